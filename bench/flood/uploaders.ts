// The flood's senders, in a process of their own (`tsx uploaders.ts <url> <uploaders> <seconds>
// <photo file>`): building and sending multipart bodies costs CPU, and in the bench's own process
// it would slow the viewers' clock, not the servers. Each uploader posts a 12-megapixel JPEG as
// fast as it is answered, with a new device id each time, a 503 retried at once (Retry-After
// ignored: a hostile flood). Prints its tally as one JSON line at the end.
import { readFileSync } from 'node:fs';

const [url = '', count = '16', seconds = '30', photoFile = ''] = process.argv.slice(2);
const photo = new Blob([readFileSync(photoFile)], { type: 'image/jpeg' });
const until = Date.now() + Number(seconds) * 1000;
const tally = {
  sent: 0,
  accepted: 0,
  busy: 0,
  other: 0,
  cutShort: 0,
  otherByStatus: {} as Record<string, number>,
  /** The first answers of each other status, cut short: what a phone was told. */
  otherSamples: {} as Record<string, string[]>,
};

async function uploader(id: number): Promise<void> {
  for (let n = 0; Date.now() < until; n++) {
    const form = new FormData();
    form.set('photo', photo, 'photo.jpg');
    form.set('firstName', 'Flot');
    form.set('message', 'Encore une');
    form.set('terms', 'on');
    form.set('deviceId', `bench-flood-${id}-${n}-${Date.now().toString(36)}`);
    tally.sent++;
    try {
      const response = await fetch(url, { method: 'POST', body: form });
      const text = await response.text();
      if (response.status === 201) tally.accepted++;
      else if (response.status === 503) tally.busy++;
      else {
        tally.other++;
        tally.otherByStatus[response.status] = (tally.otherByStatus[response.status] ?? 0) + 1;
        const samples = (tally.otherSamples[response.status] ??= []);
        if (samples.length < 3) samples.push(text.slice(0, 200));
      }
    } catch {
      // A refusal answered before the body was read may close the connection under the upload.
      tally.cutShort++;
    }
  }
}

await Promise.all(Array.from({ length: Number(count) }, (_, i) => uploader(i)));
console.log(JSON.stringify(tally));
