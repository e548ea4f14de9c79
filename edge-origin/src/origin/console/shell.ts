// The staff console's page shell (head and shared styles), one for every console page, so the
// régie and the ads/audience page look and behave alike.
export function consoleHead(title: string, extraCss = ''): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem; color: #1c1c1c; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
  form, .box { border: 1px solid #ccc; border-radius: 6px; padding: .8rem; margin: .6rem 0; }
  label { display: inline-block; margin: .2rem .8rem .2rem 0; }
  input, select, button { font: inherit; padding: .25rem .4rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; }
  #message { min-height: 1.5em; font-weight: 600; } #message.error { color: #b00020; } #message.ok { color: #1b6c2a; }
  .live { color: #d7263d; font-weight: 700; }${extraCss}
</style>
</head>
<body>
`;
}
