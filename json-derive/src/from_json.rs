//! `#[derive(FromJson)]`: reads what serde's `Deserialize` derive reads, in its words.
use crate::{rename, serde_attrs, string};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, LitStr};

#[derive(Default)]
struct Container {
    deny_unknown_fields: bool,
    default: bool,
    try_from: Option<syn::Type>,
    transparent: bool,
    rename_all: Option<String>,
}

#[derive(Default)]
struct Member {
    rename: Option<String>,
    aliases: Vec<String>,
    default: Option<Option<syn::ExprPath>>,
    skip: bool,
}

fn container(attrs: &[syn::Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    serde_attrs(attrs, |meta| {
        let p = &meta.path;
        if p.is_ident("deny_unknown_fields") {
            c.deny_unknown_fields = true;
        } else if p.is_ident("default") {
            if meta.input.peek(syn::Token![=]) {
                return Err(meta.error("FromJson: only a plain container `default`"));
            }
            c.default = true;
        } else if p.is_ident("try_from") {
            c.try_from = Some(syn::parse_str(&string(meta)?)?);
        } else if p.is_ident("transparent") {
            c.transparent = true;
        } else if p.is_ident("rename_all") {
            c.rename_all = Some(string(meta)?);
        } else if p.is_ident("from") || p.is_ident("untagged") {
            return Err(meta.error("FromJson does not support this serde attribute"));
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(c)
}

fn member(attrs: &[syn::Attribute]) -> syn::Result<Member> {
    let mut m = Member::default();
    serde_attrs(attrs, |meta| {
        let p = &meta.path;
        if p.is_ident("rename") {
            m.rename = Some(string(meta)?);
        } else if p.is_ident("alias") {
            m.aliases.push(string(meta)?);
        } else if p.is_ident("default") {
            m.default = Some(if meta.input.peek(syn::Token![=]) {
                Some(syn::parse_str(&string(meta)?)?)
            } else {
                None
            });
        } else if p.is_ident("skip") || p.is_ident("skip_deserializing") {
            m.skip = true;
        } else if p.is_ident("deserialize_with") || p.is_ident("with") || p.is_ident("flatten") {
            return Err(meta.error("FromJson does not support this serde attribute"));
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(m)
}

/// The names a field or variant is read under, sorted as serde lists them.
fn names(primary: String, aliases: &[String]) -> Vec<String> {
    let mut all: Vec<String> = std::iter::once(primary)
        .chain(aliases.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let c = container(&input.attrs)?;
    let name = &input.ident;
    let (imp, ty, wh) = input.generics.split_for_impl();
    let body = if let Some(raw) = &c.try_from {
        quote! {
            let raw = <#raw as crate::json::read::FromJson>::from_json(v)?;
            <Self as ::core::convert::TryFrom<#raw>>::try_from(raw).map_err(|e| v.custom(e))
        }
    } else {
        match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) if !c.transparent => struct_body(name, named, &c)?,
                Fields::Named(named) => {
                    let f = named.named.first().and_then(|f| f.ident.as_ref());
                    quote!(Ok(Self { #f: crate::json::read::FromJson::from_json(v)? }))
                }
                Fields::Unnamed(un) if un.unnamed.len() == 1 => {
                    quote!(Ok(Self(crate::json::read::FromJson::from_json(v)?)))
                }
                _ => return Err(syn::Error::new(name.span(), "FromJson: unsupported struct")),
            },
            Data::Enum(e) => {
                let mut arms = TokenStream::new();
                let mut all = Vec::new();
                for v in &e.variants {
                    if !matches!(v.fields, Fields::Unit) {
                        return Err(syn::Error::new(
                            v.ident.span(),
                            "FromJson: only unit variants (or a try_from)",
                        ));
                    }
                    let m = member(&v.attrs)?;
                    let primary = match m.rename {
                        Some(r) => r,
                        None => rename(&v.ident.to_string(), c.rename_all.as_deref(), true)?,
                    };
                    let ns = names(primary, &m.aliases);
                    let vname = &v.ident;
                    arms.extend(quote!(#(#ns)|* => Ok(Self::#vname),));
                    all.extend(ns);
                }
                quote! {
                    const VARIANTS: &[&str] = &[#(#all),*];
                    let (name, at) = v.variant(VARIANTS)?;
                    match name {
                        #arms
                        other => Err(crate::json::read::Json::unknown_variant(other, VARIANTS, at)),
                    }
                }
            }
            Data::Union(_) => return Err(syn::Error::new(name.span(), "FromJson: no unions")),
        }
    };
    Ok(quote! {
        impl #imp crate::json::read::FromJson for #name #ty #wh {
            fn from_json(v: &crate::json::read::Json) -> ::core::result::Result<Self, crate::json::read::Error> {
                #body
            }
        }
    })
}

/// What one field adds to a struct's reader.
#[derive(Default)]
struct FieldCode {
    /// Its slot, `None` until the field is read.
    decl: TokenStream,
    /// The `match` arm reading its value (from an object member or an array item).
    arm: TokenStream,
    /// Its initializer once the members or items are read.
    init: TokenStream,
    /// Its own name, `None` for a skipped field.
    primary: Option<String>,
    /// The names it is read under.
    names: Vec<String>,
}

/// Field `i` of the struct, the `k`-th one read (skipped fields are not).
fn field_code(
    (i, k): (usize, usize),
    f: &syn::Field,
    c: &Container,
    expected: &LitStr,
) -> syn::Result<FieldCode> {
    let m = member(&f.attrs)?;
    let ident = f.ident.as_ref().expect("named field");
    let fty = &f.ty;
    if m.skip {
        return Ok(FieldCode {
            init: quote!(#ident: ::core::default::Default::default()),
            ..FieldCode::default()
        });
    }
    let slot = format_ident!("f{i}");
    let primary = m.rename.clone().unwrap_or_else(|| ident.to_string());
    let default = match (&m.default, c.default) {
        (Some(Some(path)), _) => Some(quote!(#path())),
        (Some(None), _) => Some(quote!(::core::default::Default::default())),
        (None, true) => Some(quote!(default.#ident)),
        (None, false) => None,
    };
    // Absent: its default if it has one; else from an object, `missing` (an error, or
    // `None` for an `Option`), and from an array that ran out of items, serde's "invalid
    // length" (the first absent field is the `k`-th: items are read in order).
    let absent = match default {
        Some(d) => quote!(#d),
        None => quote! {
            if in_order {
                return Err(v.too_short(#k, #expected, N));
            } else {
                <#fty as crate::json::read::FromJson>::missing(#primary, v)?
            }
        },
    };
    Ok(FieldCode {
        decl: quote!(let mut #slot: ::core::option::Option<#fty> = None;),
        arm: quote!(#k => #slot = Some(crate::json::read::FromJson::from_json(value)?),),
        init: quote!(#ident: match #slot { Some(x) => x, None => #absent }),
        names: names(primary.clone(), &m.aliases),
        primary: Some(primary),
    })
}

/// A struct's reader: `crate::json::read::read_fields` walks the object's members (or the
/// array's items: serde also reads a struct from an array of its fields in order) and
/// reports what is wrong with them, this type's own code only reads each field's value
/// into its slot, then one initializer builds the value.
fn struct_body(
    name: &syn::Ident,
    named: &syn::FieldsNamed,
    c: &Container,
) -> syn::Result<TokenStream> {
    let expected = LitStr::new(&format!("struct {name}"), Span::call_site());
    let mut fields = Vec::new();
    for (i, f) in named.named.iter().enumerate() {
        let k = fields
            .iter()
            .filter(|f: &&FieldCode| f.primary.is_some())
            .count();
        fields.push(field_code((i, k), f, c, &expected)?);
    }
    let read: Vec<&FieldCode> = fields.iter().filter(|f| f.primary.is_some()).collect();
    let n = read.len();
    if n > 64 {
        return Err(syn::Error::new(name.span(), "FromJson: at most 64 fields"));
    }
    let decls = read.iter().map(|f| &f.decl);
    let arms = read.iter().map(|f| &f.arm);
    let inits = fields.iter().map(|f| &f.init);
    let all: Vec<&String> = read.iter().flat_map(|f| &f.names).collect();
    let owner = read
        .iter()
        .enumerate()
        .flat_map(|(k, f)| std::iter::repeat_n(k as u8, f.names.len()));
    let primaries = read.iter().filter_map(|f| f.primary.as_ref());
    let deny = c.deny_unknown_fields;
    let default = if c.default {
        quote!(#[allow(unused)] let default: Self = ::core::default::Default::default();)
    } else {
        quote!()
    };
    Ok(quote! {
        #default
        #[allow(unused)]
        const N: usize = #n;
        const FIELDS: crate::json::read::Fields = crate::json::read::Fields {
            expected: #expected,
            names: &[#(#all),*],
            field: &[#(#owner),*],
            primary: &[#(#primaries),*],
            deny_unknown: #deny,
        };
        #(#decls)*
        #[allow(unused_variables)]
        let in_order = crate::json::read::read_fields(v, &FIELDS, &mut |i, value| {
            match i {
                #(#arms)*
                _ => {}
            }
            Ok(())
        })?;
        Ok(Self { #(#inits),* })
    })
}
