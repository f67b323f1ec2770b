// What the page adds to the browser's globals: `window.paxoscope`, the handle main.js
// publishes for debugging and the end-to-end tests (see www/main.js).
interface Window {
  paxoscope: { ready: boolean; [name: string]: unknown };
}
