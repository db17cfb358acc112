/**
 * Debian's Chromium with a software WebGL2 (SwiftShader through ANGLE); see STACK-NOTES. The
 * background-networking flags stop Chromium calling out from this offline machine.
 *
 * A module of its own, without DOM types, so Node programs (bench/find.ts, the screenshot script)
 * can launch the same browser as the tests.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
