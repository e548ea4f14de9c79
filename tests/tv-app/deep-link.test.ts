import { parseDeepLink } from '../../tv-app/src/app/deep-link.ts';

test('?event=, ?replay= and ?channel= open the matching screen', () => {
  expect(parseDeepLink('?event=culture-vernissage')).toEqual({ kind: 'event', id: 'culture-vernissage' });
  expect(parseDeepLink('?replay=replay-conte')).toEqual({ kind: 'replay', id: 'replay-conte' });
  expect(parseDeepLink('?channel=agglo')).toEqual({ kind: 'channel', id: 'agglo' });
  expect(parseDeepLink('')).toBeNull();
});

test('invalid ids and unknown channels are ignored (the home opens)', () => {
  expect(parseDeepLink('?event=../../etc')).toBeNull();
  expect(parseDeepLink('?channel=mtv')).toBeNull();
  expect(parseDeepLink(`?event=${'a'.repeat(200)}`)).toBeNull();
});

test('platform launch params (webOS launchParams, Tizen app control) win over the query', () => {
  expect(parseDeepLink('?event=a', { event: 'culture-slam' })).toEqual({ kind: 'event', id: 'culture-slam' });
  expect(parseDeepLink('', { replay: 'replay-tramway' })).toEqual({ kind: 'replay', id: 'replay-tramway' });
  expect(parseDeepLink('', { other: 1 })).toBeNull();
});
