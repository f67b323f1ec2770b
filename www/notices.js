// @ts-check
// Messages to the person: errors stay until dismissed, information fades after a while.
//
// They float over the page, so they must never hide what the checker says: the newest few
// are shown (the older ones fold into "+N more"), and the stack keeps out of the Invariants
// panel, the "slot decided twice" panel and the violation banner. On a desktop window it
// sits at the bottom of the left column (the forms), or of the next column where the card
// the person works in (the one holding the focus: the form whose error it reports, say)
// leaves no room; on a phone it sits above the playback bar, or at the top of the screen
// while the checks are in view there, with only as many messages as fit beside them.

import { h } from './dom.js';

/** Messages shown at once; the older ones fold into "+N more". */
const SHOWN = 3;
/** Messages kept per kind (errors, information); the oldest go first. */
const KEPT = 12;
/** What the stack keeps out of: the checker's verdicts. */
const PROTECTED = '#invariants, #conflict, #banner';
const GAP = 8;

/** @param {HTMLElement} root the stack's own element (#notices) */
export function createNotices(root) {
  const more = h('button', { type: 'button', class: 'notice-more', 'aria-expanded': 'false', hidden: true }, 'More messages');
  const errors = h('div', { class: 'notice-stack', role: 'alert' });
  const infos = h('div', { class: 'notice-stack', role: 'status', 'aria-live': 'polite' });
  root.append(more, errors, infos);
  let expanded = false;
  let seq = 0;
  let raf = 0;

  more.addEventListener('click', () => {
    expanded = !expanded;
    more.setAttribute('aria-expanded', String(expanded));
    layout();
  });

  /** Every message, newest first. */
  const all = () => [...errors.children, ...infos.children]
    .sort((a, b) => Number(/** @type {HTMLElement} */ (b).dataset.seq) - Number(/** @type {HTMLElement} */ (a).dataset.seq));

  /** Where a stack may stand: the page's columns, left first (one column on a phone). */
  function slots() {
    const W = window.innerWidth;
    if (W <= 760) return [{ left: 10, width: W - 20 }];
    const out = [];
    for (const sel of ['.rail-left', '.center', '.rail-right']) {
      const el = document.querySelector(sel);
      const r = el && el.getBoundingClientRect();
      if (r && r.width > 0 && r.top < window.innerHeight) out.push({ left: Math.round(r.left), width: Math.round(Math.min(440, r.width)) });
    }
    return out.length ? out : [{ left: 12, width: Math.min(440, W - 24) }];
  }

  /**
   * The stretches of the window's height that `keepOut` leaves free in the columns of
   * `slot`, from the top down: [top, bottom][].
   * @param {Element[]} keepOut
   * @param {{ left: number, width: number }} slot
   */
  function bands(keepOut, slot) {
    const head = document.querySelector('.topbar');
    const headPos = head ? getComputedStyle(head).position : '';
    const top0 = head && (headPos === 'sticky' || headPos === 'fixed') ? Math.max(0, head.getBoundingClientRect().bottom) : 0;
    const bar = document.querySelector('.transport-bar');
    const bottom0 = bar && getComputedStyle(bar).position === 'fixed' ? Math.min(window.innerHeight, bar.getBoundingClientRect().top) : window.innerHeight;
    const blocks = keepOut
      .filter((el) => !/** @type {HTMLElement} */ (el).hidden && el.getClientRects().length)
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.left < slot.left + slot.width && r.right > slot.left && r.bottom > top0 && r.top < bottom0)
      .sort((a, b) => a.top - b.top);
    const out = [];
    let y = top0;
    for (const r of blocks) {
      if (r.top > y) out.push([y, r.top]);
      y = Math.max(y, r.bottom);
    }
    if (y < bottom0) out.push([y, bottom0]);
    return out;
  }

  /**
   * Where the stack goes: the first column with a free stretch that holds the newest
   * message, beside the checks and the card holding the focus, the bottom stretch first;
   * else beside the checks only; else the roomiest stretch beside the checks.
   * @param {HTMLElement} newest
   */
  function place(newest) {
    const active = document.activeElement;
    const card = active && active !== document.body && !root.contains(active) ? active.closest('.card, .section, .tour-panel') : null;
    const checks = [...document.querySelectorAll(PROTECTED)];
    const all = slots();
    for (const keepOut of card ? [[...checks, card], checks] : [checks]) {
      for (const slot of all) {
        root.style.left = `${slot.left}px`;
        root.style.width = `${slot.width}px`;
        const need = newest.getBoundingClientRect().height + 2 * GAP;
        const free = bands(keepOut, slot).filter((b) => b[1] - b[0] >= need);
        if (free.length) return { slot, band: free[free.length - 1] };
      }
    }
    let best = null;
    for (const slot of all) {
      for (const b of bands(checks, slot)) if (!best || b[1] - b[0] > best.band[1] - best.band[0]) best = { slot, band: b };
    }
    return best;
  }

  /** Shows the newest messages that fit, folds the rest, and keeps out of the checks. */
  function layout() {
    raf = 0;
    const list = all();
    // Nothing shown (the usual case, on every scroll of the page): nothing written either, so
    // a scroll of the diagram or the log costs no style pass here.
    if (!list.length) {
      expanded = false;
      if (!more.hidden) more.hidden = true;
      if (root.style.visibility) root.style.visibility = '';
      return;
    }
    for (const el of list) el.classList.remove('folded');
    const where = place(/** @type {HTMLElement} */ (list[0]));
    if (!where) { root.style.visibility = 'hidden'; return; }
    const { slot, band } = where;
    root.style.visibility = '';
    root.style.left = `${slot.left}px`;
    root.style.width = `${slot.width}px`;
    root.style.bottom = `${Math.round(window.innerHeight - band[1] + GAP)}px`;
    const room = band[1] - band[0] - 2 * GAP;
    root.style.maxHeight = `${Math.max(0, Math.round(room))}px`;
    // Newest first, as many as fit (at most SHOWN unless unfolded); the pill counts the rest.
    more.hidden = list.length <= 1 && !expanded;
    let used = more.hidden ? 0 : more.getBoundingClientRect().height + GAP;
    let shown = 0;
    const heights = list.map((el) => el.getBoundingClientRect().height + GAP);
    list.forEach((el, i) => {
      const fits = expanded || (shown < SHOWN && used + heights[i] <= room);
      el.classList.toggle('folded', !fits);
      if (fits) { shown++; used += heights[i]; }
    });
    const folded = list.length - shown;
    more.hidden = folded === 0 && !expanded;
    more.textContent = expanded ? 'Show fewer messages' : `+${folded} more message${folded === 1 ? '' : 's'}`;
    if (shown === 0 && !expanded && used > room) root.style.visibility = 'hidden';
  }
  const relayout = () => {
    if (!raf && (errors.firstChild || infos.firstChild || !more.hidden)) raf = requestAnimationFrame(layout);
  };
  window.addEventListener('resize', relayout, { passive: true });
  // The columns scroll on their own on a desktop window, the document on a phone.
  document.addEventListener('scroll', relayout, { capture: true, passive: true });
  document.addEventListener('focusin', relayout);

  /**
   * Shows a message: an error stays until dismissed, information fades.
   * @param {'error' | 'info'} kind
   * @param {string} title
   * @param {string} [text]
   * @param {{ extra?: Node, ms?: number }} [opts] `extra`: a node after the text; `ms`: how long information stays
   */
  function notify(kind, title, text, opts = {}) {
    const isError = kind === 'error';
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Dismiss this message' }, '✕');
    // `fresh` pops in once: a message folded and shown again does not.
    const el = h('div', { class: `notice ${kind} fresh`, 'data-seq': String(++seq) },
      h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, isError ? '!' : 'i'),
      h('div', { class: 'notice-text' }, h('strong', {}, title), text ? h('span', {}, ` ${text}`) : null, opts.extra || null),
      close);
    const remove = () => { el.remove(); layout(); };
    close.addEventListener('click', remove);
    const stack = isError ? errors : infos;
    // the same message twice in a row: keep one
    const last = stack.lastElementChild;
    if (last && last.textContent === el.textContent) last.remove();
    stack.append(el);
    while (stack.children.length > KEPT) stack.firstElementChild.remove();
    if (!isError) setTimeout(() => { if (el.isConnected) remove(); }, opts.ms || 5000);
    setTimeout(() => el.classList.remove('fresh'), 400);
    layout();
    return el;
  }

  return {
    notify,
    /** Drops every message (errors too). */
    clear: () => { errors.replaceChildren(); infos.replaceChildren(); layout(); },
    /** Drops the information about the run that was there (errors stay until dismissed). */
    dropInfo: () => { infos.replaceChildren(); layout(); },
  };
}
