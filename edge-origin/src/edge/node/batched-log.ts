// Log lines on stdout, batched: on Linux, writes to a pipe are synchronous, and one write per
// request would make the access log the bottleneck at thousands of requests per second.
export interface BatchedLog {
  log(line: Record<string, unknown>): void;
  flush(): void;
}

export function batchedStdoutLog(intervalMs = 50, maxBytes = 64 * 1024): BatchedLog {
  let buffer: string[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buffer.length) return;
    const text = buffer.join('');
    buffer = [];
    bytes = 0;
    process.stdout.write(text);
  };
  return {
    log(line) {
      const text = `${JSON.stringify(line)}\n`;
      buffer.push(text);
      bytes += text.length;
      if (bytes >= maxBytes) flush();
      else if (!timer) {
        timer = setTimeout(flush, intervalMs);
        timer.unref?.();
      }
    },
    flush,
  };
}
