/** Sets the theme class before first paint (no flash): the saved choice, else the system's. */
export function ThemeScript() {
  const code = `(function(){try{var t=localStorage.getItem("theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user input.
  return <script dangerouslySetInnerHTML={{ __html: code }} />;
}
