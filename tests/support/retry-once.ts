// Every test file's setup (jest.config.js). The real-time tests (Chromium playing video, ffmpeg
// encoding a live, hls.js against the clock) share a 2-core box with the other jest worker, whose
// Chromium or ffmpeg can take the CPU at the wrong second. A failing test runs once more, its first
// failure printed above the result (search the log for "RETRY"): a defect fails both times, and a
// flake stays on record to be fixed rather than hidden.
import { jest } from '@jest/globals';

jest.retryTimes(1, { logErrorsBeforeRetry: true });
