import type { Prisma } from '../../generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { AudioFeaturesRef } from './entry-refs.ts';

const LabelScore = builder.objectRef<{ label: string; score: number }>('LabelScore').implement({
  description: 'A label AudioMuse gave the track, with its score.',
  fields: (t) => ({
    label: t.exposeString('label', { description: 'The label, e.g. `rock` or `danceable`.' }),
    score: t.exposeFloat('score', { description: '0–1.' }),
  }),
});

function ranked(scores: Record<string, number>): Array<{ label: string; score: number }> {
  return Object.entries(scores)
    .map(([label, score]) => ({ label, score }))
    .sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
}

/** A JSON object of label → score as stored (mood_vector, other_features); anything else has no scores. */
function scoresOf(value: Prisma.JsonValue): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const scores: Record<string, number> = {};
  for (const [label, score] of Object.entries(value)) if (typeof score === 'number') scores[label] = score;
  return scores;
}

builder.prismaObjectFields(AudioFeaturesRef, (t) => ({
  audiomuseItemId: t.exposeString('audiomuseItemId', {
    nullable: true,
    description: 'AudioMuse’s own id of the analysed track.',
  }),
  tempo: t.exposeFloat('tempo', { nullable: true, description: 'Beats per minute.' }),
  key: t.exposeString('key', { nullable: true, description: 'The musical key, e.g. `C#`.' }),
  scale: t.exposeString('scale', { nullable: true, description: 'major or minor.' }),
  energy: t.exposeFloat('energy', { nullable: true, description: 'Energy as AudioMuse measures it.' }),
  durationSeconds: t.exposeFloat('durationSeconds', { nullable: true, description: 'Length of the analysed audio.' }),
  analysisFingerprint: t.exposeString('analysisFingerprint', {
    nullable: true,
    description:
      'AudioMuse’s fingerprint of this analysis; it changes when AudioMuse analyses the track again (a new pass or model). Null when read from an AudioMuse without the sync API.',
  }),
  moods: t.field({
    type: [LabelScore],
    description: 'Top mood labels, strongest first.',
    resolve: (features) => ranked(scoresOf(features.moodVector)),
  }),
  features: t.field({
    type: [LabelScore],
    description:
      'danceable, aggressive, happy, party, relaxed, sad; strongest first. Empty until AudioMuse has run its CLAP step.',
    resolve: (features) => ranked(scoresOf(features.otherFeatures)),
  }),
  fetchedAt: t.expose('fetchedAt', { type: 'DateTime', description: 'When linernotes last read this analysis.' }),
  updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the analysis last changed.' }),
}));
