/** Sets the theme class before first paint (no flash): the saved choice, else the system's. */
export function ThemeScript({ nonce }: { nonce?: string }) {
  const code = `(function(){try{var t=localStorage.getItem("theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;
  // The nonce lets it run under the Content-Security-Policy (lib/csp.ts), which refuses other inline scripts.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input.
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: code }} />;
}
