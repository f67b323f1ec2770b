// @ts-check
// Tiny DOM helpers shared by the view modules: element builders for HTML and SVG.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The attributes of h() and s(): attributes, `class`, a `style` object, a `dataset`,
 * `on…` listeners, and the properties value, checked, selected and disabled.
 * @typedef {Record<string, any> | null | undefined} Attrs
 */
/** A child of h() and s(): a node, text, or nothing; arrays are flattened. @typedef {any} Child */

/**
 * @param {any} el an HTML or SVG element
 * @param {Attrs} attrs
 * @param {boolean} isSvg
 */
function setAttrs(el, attrs, isSvg) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') {
      if (isSvg) el.setAttribute('class', v); else el.className = v;
    } else if (k === 'style' && typeof v === 'object') {
      for (const [prop, val] of Object.entries(v)) {
        if (prop.startsWith('--')) el.style.setProperty(prop, val); else el.style[prop] = val;
      }
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (!isSvg && (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled')) {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

/** @param {Element} el @param {Child[]} children */
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * h('button', {class: 'btn', onclick}, 'text', child...) → the HTMLButtonElement built
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} attrs
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]} the element, typed by its tag
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs, false);
  append(el, children);
  return el;
}

/**
 * s('circle', {cx, cy, r}) → SVGElement
 * @param {string} tag
 * @param {Attrs} attrs
 * @param {...Child} children
 * @returns {any} the element (any: the callers know which element they built)
 */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs, true);
  append(el, children);
  return el;
}

/** The first element `sel` matches (any: the callers know what they asked for). @type {(sel: string, root?: ParentNode) => any} */
export const $ = (sel, root = document) => root.querySelector(sel);
/** Every element `sel` matches. @type {(sel: string, root?: ParentNode) => any[]} */
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/**
 * Replaces the children of el.
 * @param {any} el
 * @param {...Child} children
 * @returns {any}
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Sets textContent only when it changed (cheap re-renders).
 * @param {Node} el
 * @param {unknown} text
 */
export function setText(el, text) {
  const t = String(text);
  if (el.textContent !== t) el.textContent = t;
}

/**
 * A ballot {round, proposer} as "2.1", or "—".
 * @param {{ round: number, proposer: number } | string | null | undefined} b
 */
export function ballotStr(b) {
  if (b == null) return '—';
  if (typeof b === 'string') return b;
  return `${b.round}.${b.proposer}`;
}

/**
 * A message endpoint {node: 3} | {client: 1} as "N3" / "C1".
 * @param {{ node?: number, client?: number } | null | undefined} e
 */
export function endStr(e) {
  if (!e) return '?';
  if (e.node != null) return `N${e.node}`;
  if (e.client != null) return `C${e.client}`;
  return '?';
}

/**
 * A client operation as text: put x=1 | get x | cas x:old→new
 * @param {{ op: string, key?: string, value?: string, expected?: string | null } | null | undefined} op
 */
export function opStr(op) {
  if (!op) return 'no-op';
  if (op.op === 'put') return `put ${op.key}=${op.value}`;
  if (op.op === 'get') return `get ${op.key}`;
  if (op.op === 'cas') return `cas ${op.key}:${op.expected ?? '∅'}→${op.value}`;
  return JSON.stringify(op);
}

let uid = 0;
export const nextId = (p = 'px') => `${p}-${++uid}`;

/**
 * Runs fn (which rebuilds part of root) and gives the focus back to the equivalent
 * control afterwards (same aria-label or id), so keyboard users keep their place.
 */
/**
 * @param {Element} root
 * @param {() => void} fn
 */
export function keepFocus(root, fn) {
  const a = document.activeElement;
  const inside = a && a !== document.body && root.contains(a);
  const label = inside ? a.getAttribute('aria-label') : null;
  const id = inside ? a.id : null;
  fn();
  if (!inside || root.contains(a)) return;
  /** @type {HTMLButtonElement | null} a control: focusable, maybe disabled */
  let b = null;
  if (id) b = root.querySelector(`#${CSS.escape(id)}`);
  if (!b && label) b = root.querySelector(`[aria-label="${CSS.escape(label)}"]`);
  if (b && !b.disabled) b.focus({ preventScroll: true });
}

/**
 * Makes `nodes` the children of `parent`, in that order, moving only what is out of place
 * (kept nodes are not re-inserted, so they keep their layout, focus and scroll state).
 * @param {Element} parent
 * @param {Node[]} nodes
 */
export function reconcile(parent, nodes) {
  const want = new Set(nodes);
  for (const c of [...parent.childNodes]) if (!want.has(c)) c.remove();
  let at = parent.firstChild;
  for (const n of nodes) {
    if (n === at) at = at.nextSibling;
    else parent.insertBefore(n, at);
  }
}
