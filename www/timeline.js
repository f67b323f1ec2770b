// @ts-check
// Time travel: a slider over every recorded step. Moving it seeks (checkpointed replay in
// the core); acting while looking at the past forks the run and drops the recorded future.

import { h, setText } from './dom.js';

// Types of the values the wasm core hands over (www/types/api.d.ts, from the Rust types).
/** @typedef {import('./pkg/paxoscope.js').StateView} StateView */
/** @typedef {import('./pkg/paxoscope.js').InvariantViolation} InvariantViolation */
/** @typedef {import('./main.js').PageApp} PageApp */

/** @param {PageApp} app @param {HTMLElement} root */
export function createTimeline(app, root) {
  const slider = h('input', { type: 'range', min: 0, max: 0, value: 0, step: 1, id: 'timeline',
    class: 'timeline-slider', 'aria-label': 'Timeline: choose the step to view' });
  const marks = h('div', { class: 'timeline-marks', 'aria-hidden': 'true' });
  const readout = h('output', { class: 'timeline-readout', for: 'timeline', 'aria-live': 'off' });
  const fork = h('p', { class: 'fork-hint', hidden: true, role: 'status' });
  const forkText = h('span', {});
  const toEnd = h('button', { type: 'button', class: 'btn small', 'aria-label': 'Jump to the last recorded step' }, 'Latest ⇥');
  toEnd.addEventListener('click', () => app.seek(app.view.total_steps));
  const track = h('div', { class: 'timeline-track' }, slider, marks);
  root.append(h('div', { class: 'timeline-row' }, track, readout), fork);
  fork.append();

  /** @type {number | null} a step asked for by the slider, not sought yet */
  let pending = null;
  let raf = 0;
  slider.addEventListener('input', () => {
    pending = Number(slider.value);
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; if (pending != null) { const p = pending; pending = null; app.seek(p); } });
  });

  let marksKey = '';
  /**
   * @param {StateView} view
   * @param {InvariantViolation[]} knownViolations
   */
  function update(view, knownViolations) {
    slider.max = String(view.total_steps);
    if (pending == null) slider.value = String(view.step);
    slider.setAttribute('aria-valuetext', `step ${view.step} of ${view.total_steps}, tick ${view.now}`);
    setText(readout, `step ${view.step} / ${view.total_steps} · tick ${view.now}`);
    const behind = view.total_steps - view.step;
    if (behind > 0) {
      fork.hidden = false;
      // The words change in place (the button stays): a jump rewrites one text node.
      if (forkText.parentNode !== fork) fork.replaceChildren(forkText, toEnd);
      setText(forkText, `Viewing the past: ${behind} later step${behind === 1 ? ' is' : 's are'} recorded. Step forward to replay them; any other action forks the run here and drops them. `);
    } else {
      fork.hidden = true;
    }
    const vs = (knownViolations || []).filter((v) => v.step <= view.total_steps);
    const key = `${view.total_steps}|${vs.map((v) => v.step).join(',')}`;
    if (key !== marksKey) {
      marksKey = key;
      marks.replaceChildren(...vs.map((v) => {
        const pct = view.total_steps ? (v.step / view.total_steps) * 100 : 0;
        return h('span', { class: 'mark violation', style: { left: `${pct}%` }, title: `${v.invariant} violated at step ${v.step}` });
      }));
    }
  }

  return { update };
}
