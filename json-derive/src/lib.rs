//! `#[derive(ToJson)]` and `#[derive(FromJson)]`: the JSON writer and reader of Paxoscope's
//! wasm module (docs/wasm-api.md; the reader's derive is in from_json.rs).
//!
//! It writes exactly what `serde_json::to_string` writes for the same type, reading the
//! type's own `#[serde(...)]` attributes, so the serde derive stays the one description of
//! the format (ts-rs generates the page's types from it; a test compares the two writers on
//! every state the golden runs reach). The module calls only this writer: serde's generic
//! `Serializer` machinery, serde_json and `f64`'s `Display` then never reach the module.
//!
//! Supported, as serde does it: structs with named fields (`rename`, `rename_all`, `skip`,
//! `skip_serializing_if`, `flatten`), `transparent` and `into`, newtype and tuple structs,
//! enums externally tagged or with `tag = "..."` (unit, newtype and struct variants), and
//! `rename_all` = `lowercase` / `snake_case` / `kebab-case`. Anything else is a compile error.
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::meta::ParseNestedMeta;
use syn::{parse_macro_input, Data, DeriveInput, Fields, Ident, LitStr};

mod from_json;

/// Implements `crate::json::read::FromJson`: reads the JSON serde's `Deserialize` derive
/// reads (`deny_unknown_fields`, `default`, `alias`, `rename`, `rename_all`, `try_from`,
/// `transparent`; structs with named fields, newtypes and enums of unit variants), with
/// serde's error messages.
#[proc_macro_derive(FromJson)]
pub fn derive_from_json(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_json::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `crate::json::ToJson` (and `crate::json::ToJsonFields` for a type written as
/// an object, so it can be flattened or carry an enum's tag).
#[proc_macro_derive(ToJson)]
pub fn derive_to_json(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[derive(Default)]
struct Container {
    rename_all: Option<String>,
    tag: Option<String>,
    transparent: bool,
    into: Option<syn::Type>,
}

#[derive(Default)]
struct Member {
    rename: Option<String>,
    skip: bool,
    skip_if: Option<syn::ExprPath>,
    flatten: bool,
}

/// Skips the value of a serde attribute this writer does not need (`default`, `alias`, …).
fn skip_meta(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

fn string(meta: &ParseNestedMeta) -> syn::Result<String> {
    Ok(meta.value()?.parse::<LitStr>()?.value())
}

fn serde_attrs(
    attrs: &[syn::Attribute],
    mut each: impl FnMut(&ParseNestedMeta) -> syn::Result<bool>,
) -> syn::Result<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if !each(&meta)? {
                skip_meta(&meta)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn container(attrs: &[syn::Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    serde_attrs(attrs, |meta| {
        let p = &meta.path;
        if p.is_ident("rename_all") {
            c.rename_all = Some(string(meta)?);
        } else if p.is_ident("tag") {
            c.tag = Some(string(meta)?);
        } else if p.is_ident("transparent") {
            c.transparent = true;
        } else if p.is_ident("into") {
            c.into = Some(syn::parse_str(&string(meta)?)?);
        } else if p.is_ident("content") || p.is_ident("untagged") || p.is_ident("remote") {
            return Err(meta.error("ToJson does not support this serde attribute"));
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
        } else if p.is_ident("skip") || p.is_ident("skip_serializing") {
            m.skip = true;
        } else if p.is_ident("skip_serializing_if") {
            m.skip_if = Some(syn::parse_str(&string(meta)?)?);
        } else if p.is_ident("flatten") {
            m.flatten = true;
        } else if p.is_ident("serialize_with") || p.is_ident("with") || p.is_ident("getter") {
            return Err(meta.error("ToJson does not support this serde attribute"));
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    Ok(m)
}

/// serde's `rename_all` rules, for a variant (`CamelCase`) or a field (`snake_case`) name.
fn rename(name: &str, rule: Option<&str>, is_variant: bool) -> syn::Result<String> {
    let snake = |sep: char| {
        if !is_variant {
            return name.replace('_', &sep.to_string());
        }
        let mut out = String::new();
        for (i, ch) in name.char_indices() {
            if ch.is_uppercase() && i > 0 {
                out.push(sep);
            }
            out.extend(ch.to_lowercase());
        }
        out
    };
    Ok(match rule {
        None => name.to_string(),
        Some("lowercase") => name.to_lowercase(),
        Some("snake_case") => snake('_'),
        Some("kebab-case") => snake('-'),
        Some(other) => {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("ToJson does not support rename_all = \"{other}\""),
            ))
        }
    })
}

/// `"name":` as a string literal, the key of an object member.
fn key(name: &str) -> LitStr {
    LitStr::new(&format!("\"{name}\":"), Span::call_site())
}

/// The statements writing named fields into the object `o`; `access(ident)` is the
/// expression of a reference to the field.
fn named_fields(
    fields: &syn::FieldsNamed,
    rule: Option<&str>,
    access: impl Fn(&Ident) -> TokenStream,
) -> syn::Result<TokenStream> {
    let mut out = TokenStream::new();
    for f in &fields.named {
        let m = member(&f.attrs)?;
        if m.skip {
            continue;
        }
        let ident = f.ident.as_ref().expect("named field");
        let value = access(ident);
        let write = if m.flatten {
            quote!(crate::json::ToJsonFields::write_fields(#value, o);)
        } else {
            let name = match m.rename {
                Some(r) => r,
                None => rename(&ident.to_string(), rule, false)?,
            };
            let k = key(&name);
            quote!(o.field(#k, #value);)
        };
        out.extend(match m.skip_if {
            Some(pred) => quote!(if !#pred(#value) { #write }),
            None => write,
        });
    }
    Ok(out)
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let c = container(&input.attrs)?;
    let name = &input.ident;
    let mut generics = input.generics.clone();
    for tp in generics.type_params_mut() {
        tp.bounds.push(syn::parse_quote!(crate::json::ToJson));
    }
    let (imp, ty, wh) = generics.split_for_impl();
    let rule = c.rename_all.as_deref();
    let write = match (&c.into, &input.data) {
        (Some(into), _) => quote! {
            let v: #into = ::core::clone::Clone::clone(self).into();
            crate::json::ToJson::write_json(&v, out)
        },
        (None, Data::Struct(s)) => match &s.fields {
            Fields::Named(named) if !c.transparent => {
                let body = named_fields(named, rule, |i| quote!(&self.#i))?;
                return Ok(quote! {
                    impl #imp crate::json::ToJsonFields for #name #ty #wh {
                        fn write_fields(&self, o: &mut crate::json::Object<'_>) { #body }
                    }
                    impl #imp crate::json::ToJson for #name #ty #wh {
                        fn write_json(&self, out: &mut String) {
                            let mut o = crate::json::Object::begin(out);
                            crate::json::ToJsonFields::write_fields(self, &mut o);
                            o.end();
                        }
                    }
                });
            }
            Fields::Named(named) => {
                let f = named.named.first().and_then(|f| f.ident.as_ref());
                quote!(crate::json::ToJson::write_json(&self.#f, out))
            }
            Fields::Unnamed(un) if un.unnamed.len() == 1 => {
                quote!(crate::json::ToJson::write_json(&self.0, out))
            }
            Fields::Unnamed(un) => {
                let idx = (0..un.unnamed.len()).map(syn::Index::from);
                quote! {
                    let mut a = crate::json::Array::begin(out);
                    #( a.item(&self.#idx); )*
                    a.end();
                }
            }
            Fields::Unit => quote!(out.push_str("null")),
        },
        (None, Data::Enum(e)) => enum_body(e, &c)?,
        (None, Data::Union(_)) => {
            return Err(syn::Error::new(Span::call_site(), "ToJson: no unions"))
        }
    };
    Ok(quote! {
        impl #imp crate::json::ToJson for #name #ty #wh {
            #[allow(unused_variables)]
            fn write_json(&self, out: &mut String) { #write }
        }
    })
}

/// The `match self` writing each variant.
fn enum_body(e: &syn::DataEnum, c: &Container) -> syn::Result<TokenStream> {
    let mut arms = TokenStream::new();
    for v in &e.variants {
        let m = member(&v.attrs)?;
        let vname = &v.ident;
        let tag_value = match m.rename {
            Some(r) => r,
            None => rename(&vname.to_string(), c.rename_all.as_deref(), true)?,
        };
        arms.extend(match &c.tag {
            Some(tag) => internally_tagged(vname, &v.fields, tag, &tag_value)?,
            None => externally_tagged(vname, &v.fields, &tag_value)?,
        });
    }
    Ok(quote!(match self { #arms }))
}

fn bindings(fields: &syn::FieldsNamed) -> Vec<&Ident> {
    fields
        .named
        .iter()
        .map(|f| f.ident.as_ref().expect("named field"))
        .collect()
}

/// `{"tag":"value", fields...}`.
fn internally_tagged(
    vname: &Ident,
    fields: &Fields,
    tag: &str,
    tag_value: &str,
) -> syn::Result<TokenStream> {
    let k = key(tag);
    Ok(match fields {
        Fields::Unit => quote! {
            Self::#vname => {
                let mut o = crate::json::Object::begin(out);
                o.field(#k, #tag_value);
                o.end();
            }
        },
        Fields::Named(named) => {
            let b = bindings(named);
            let body = named_fields(named, None, |i| quote!(#i))?;
            quote! {
                Self::#vname { #(#b),* } => {
                    let mut o = crate::json::Object::begin(out);
                    o.field(#k, #tag_value);
                    #body
                    o.end();
                }
            }
        }
        Fields::Unnamed(un) if un.unnamed.len() == 1 => quote! {
            Self::#vname(inner) => {
                let mut o = crate::json::Object::begin(out);
                o.field(#k, #tag_value);
                crate::json::ToJsonFields::write_fields(inner, &mut o);
                o.end();
            }
        },
        Fields::Unnamed(_) => {
            return Err(syn::Error::new(
                vname.span(),
                "ToJson: a tuple variant cannot be internally tagged",
            ))
        }
    })
}

/// `"value"`, `{"value":inner}`, `{"value":[...]}` or `{"value":{fields...}}`.
fn externally_tagged(vname: &Ident, fields: &Fields, tag_value: &str) -> syn::Result<TokenStream> {
    let quoted = LitStr::new(&format!("\"{tag_value}\""), Span::call_site());
    let k = key(tag_value);
    Ok(match fields {
        Fields::Unit => quote!(Self::#vname => out.push_str(#quoted),),
        Fields::Named(named) => {
            let b = bindings(named);
            let body = named_fields(named, None, |i| quote!(#i))?;
            quote! {
                Self::#vname { #(#b),* } => {
                    let mut outer = crate::json::Object::begin(out);
                    outer.nested(#k, |out| {
                        let mut o = crate::json::Object::begin(out);
                        #body
                        o.end();
                    });
                    outer.end();
                }
            }
        }
        Fields::Unnamed(un) if un.unnamed.len() == 1 => quote! {
            Self::#vname(inner) => {
                let mut o = crate::json::Object::begin(out);
                o.field(#k, inner);
                o.end();
            }
        },
        Fields::Unnamed(un) => {
            let b: Vec<Ident> = (0..un.unnamed.len())
                .map(|i| format_ident!("f{i}"))
                .collect();
            quote! {
                Self::#vname(#(#b),*) => {
                    let mut outer = crate::json::Object::begin(out);
                    outer.nested(#k, |out| {
                        let mut a = crate::json::Array::begin(out);
                        #( a.item(#b); )*
                        a.end();
                    });
                    outer.end();
                }
            }
        }
    })
}
