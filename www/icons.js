// @ts-check
// Small inline SVG icons (system fonts often lack the media-control glyphs).

import { s } from './dom.js';

/** @type {Record<string, string>} */
const FILL = {
  play: 'M8 5.5v13a.6.6 0 0 0 .9.5l10.2-6.5a.6.6 0 0 0 0-1L8.9 5a.6.6 0 0 0-.9.5z',
  pause: 'M7 5h3.2v14H7zM13.8 5H17v14h-3.2z',
  forward: 'M5.5 5.6v12.8a.6.6 0 0 0 .9.5l9-6.4a.6.6 0 0 0 0-1l-9-6.4a.6.6 0 0 0-.9.5zM16.5 5h2.2v14h-2.2z',
  back: 'M18.5 5.6v12.8a.6.6 0 0 1-.9.5l-9-6.4a.6.6 0 0 1 0-1l9-6.4a.6.6 0 0 1 .9.5zM5.3 5h2.2v14H5.3z',
  heart: 'M12 20.2s-7.5-4.6-7.5-10.4A4.3 4.3 0 0 1 12 7.1a4.3 4.3 0 0 1 7.5 2.7c0 5.8-7.5 10.4-7.5 10.4z',
};
/** @type {Record<string, string>} */
const STROKE = {
  timer: 'M12 13.5V9.8M9.5 2.8h5M12 2.8v3M18.4 6.6l1.3-1.3M19 13.5a7 7 0 1 1-14 0 7 7 0 0 1 14 0z',
  power: 'M12 3.5v8M6.6 6.9a7.5 7.5 0 1 0 10.8 0',
  restart: 'M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 3.8v3.9h3.9',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  download: 'M12 4v11M7.5 10.5 12 15l4.5-4.5M5 19.5h14',
  upload: 'M12 15.5V4.5M7.5 9 12 4.5 16.5 9M5 19.5h14',
  fast: 'M4 6l7 6-7 6zM13 6l7 6-7 6z',
  tick: 'M12 7v5l3 2M20 12a8 8 0 1 1-16 0 8 8 0 0 1 16 0z',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
};

/**
 * A small SVG icon by name (FILL or STROKE paths).
 * @param {string} name
 * @returns {SVGSVGElement}
 */
export function icon(name, size = 16) {
  const svg = s('svg', { class: `ico ico-${name}`, viewBox: '0 0 24 24', width: size, height: size, 'aria-hidden': 'true', focusable: 'false' });
  if (FILL[name]) svg.append(s('path', { d: FILL[name], fill: 'currentColor' }));
  else if (STROKE[name]) svg.append(s('path', { d: STROKE[name], fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
  return svg;
}
