import { normalize, search } from '../../tv-app/src/search/search.ts';

const items = [
  { id: 'a', fields: ['Championnat de handball', 'Palais des sports'] },
  { id: 'b', fields: ["L'Équipe de France à l'Opéra", 'Opéra municipal'] },
  { id: 'c', fields: ['Conseil d’agglomération', 'Hôtel de ville'] },
];

test('normalisation strips accents, case and punctuation', () => {
  expect(normalize("L'Équipe À l’Opéra!")).toBe('l equipe a l opera');
});

test('search is accent- and case-insensitive and matches word prefixes in any field', () => {
  expect(search(items, 'equipe').map((i) => i.id)).toEqual(['b']);
  expect(search(items, 'OPERA').map((i) => i.id)).toEqual(['b']);
  expect(search(items, 'hotel').map((i) => i.id)).toEqual(['c']);
  expect(search(items, 'cha hand').map((i) => i.id)).toEqual(['a']);
  expect(search(items, 'andball')).toEqual([]);
  expect(search(items, '  ')).toEqual([]);
});

test('title matches come before venue matches', () => {
  const list = [
    { id: 'venue', fields: ['Concert', 'Opéra'] },
    { id: 'title', fields: ['Opéra de printemps', 'Parc'] },
  ];
  expect(search(list, 'op').map((i) => i.id)).toEqual(['title', 'venue']);
});
