// Images fetched into the browser's HTTP cache as early as their addresses are known, while the
// fonts load and Lightning sets up: Lightning's image worker then reads them from the cache when
// the page is drawn, instead of starting the downloads only then.

export function warmImages(urls: string[]): void {
  for (const url of new Set(urls.filter((u) => u))) {
    const image = new Image();
    // The worker's read is a CORS one (images may come from the edge a package was made for).
    image.crossOrigin = 'anonymous';
    image.src = url;
  }
}
