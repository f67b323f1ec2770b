// Messages to the person: errors stay until dismissed, information fades after a while.

import { h } from './dom.js';

export function createNotices(root) {
  const errors = h('div', { class: 'notice-stack', role: 'alert' });
  const infos = h('div', { class: 'notice-stack', role: 'status', 'aria-live': 'polite' });
  root.append(errors, infos);

  function notify(kind, title, text, opts = {}) {
    const isError = kind === 'error';
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Dismiss this message' }, '✕');
    const el = h('div', { class: `notice ${kind}` },
      h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, isError ? '!' : 'i'),
      h('div', { class: 'notice-text' }, h('strong', {}, title), text ? h('span', {}, ` ${text}`) : null, opts.extra || null),
      close);
    close.addEventListener('click', () => el.remove());
    const stack = isError ? errors : infos;
    // the same message twice in a row: keep one
    const last = stack.lastElementChild;
    if (last && last.textContent === el.textContent) last.remove();
    stack.append(el);
    while (stack.children.length > 4) stack.firstElementChild.remove();
    if (!isError) setTimeout(() => el.remove(), opts.ms || 5000);
    return el;
  }

  return { notify, clear: () => { errors.replaceChildren(); infos.replaceChildren(); } };
}
