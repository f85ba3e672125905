// The coverage card: per table the share with genres, moods and audio features, nobody knew and
// ambiguous matches (coverage), and the raw tags the genre rules lose most.
import { fill, h } from './dom.js';
import { count } from './format.js';

const COLUMNS = [
  ['withGenres', 'genres'],
  ['withMoods', 'moods'],
  ['withAudioFeatures', 'audio features'],
  ['nobodyKnew', 'nobody knew'],
  ['ambiguous', 'ambiguous'],
];

const REASONS = { BLOCKED: 'blocked', NOT_ALLOWED: 'not allowed', UNMAPPED: 'no alias' };

function shareText(value) {
  return `${(value.share * 100).toFixed(1)}% (${count(value.entries)})`;
}

export function renderCoverage(container, coverage) {
  const tables = [
    ['artists', coverage.artists],
    ['albums', coverage.albums],
    ['tracks', coverage.tracks],
  ];
  fill(
    container,
    h(
      'table',
      { class: 'table coverage' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'table'),
          ...COLUMNS.map(([, label]) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        ...tables.map(([name, table]) =>
          h(
            'tr',
            { 'data-coverage': name },
            h('th', { scope: 'row' }, `${name} (${count(table.total)})`),
            ...COLUMNS.map(([field, label]) => h('td', { 'data-label': label }, shareText(table[field]))),
          ),
        ),
      ),
    ),
    coverage.tagCandidates.length === 0
      ? h('p', { class: 'muted' }, 'No raw tag is dropped or left unmapped by the genre rules.')
      : h(
          'p',
          { class: 'tag-candidates' },
          'Raw tags the genre rules lose: ',
          coverage.tagCandidates
            .map((tag) => `${tag.tag} (${REASONS[tag.reason] ?? tag.reason}, ${count(tag.entries)})`)
            .join(', '),
        ),
  );
}
