import { describe, expect, it } from 'vitest';
import { jobSummary, parseRetention } from '../src/components/Retention';
import type { Job } from '../src/types';

describe('retention input', () => {
  it.each([
    ['30', 30],
    [' 7 ', 7],
    ['1', 1],
    ['3650', 3650],
    ['0', 'Retention must be 1 to 3650 days.'],
    ['3651', 'Retention must be 1 to 3650 days.'],
    ['', 'Enter a whole number of days.'],
    ['1.5', 'Enter a whole number of days.'],
    ['-3', 'Enter a whole number of days.'],
    ['ten', 'Enter a whole number of days.'],
  ])('%j → %j', (input, want) => {
    expect(parseRetention(input)).toBe(want);
  });
});

describe('erasure job summary', () => {
  const job = (over: Partial<Job>): Job => ({
    id: 'j1', kind: 'erase_user', project_id: 'p', user_id: 'ada@example.com', status: 'queued',
    sessions: 0, events: 0, chunks: 0, blobs: 0, created_at: '2026-11-27T10:00:00Z', ...over,
  });
  it('says what is going on', () => {
    expect(jobSummary(job({}))).toBe('Erasing “ada@example.com”… (job j1, queued)');
    expect(jobSummary(job({ status: 'done', sessions: 2, events: 1, chunks: 5, blobs: 1 }))).toBe(
      'Erased 2 sessions, 1 event, 5 recording chunks and 1 file of “ada@example.com”.',
    );
    expect(jobSummary(job({ status: 'failed', error: 'disk full' }))).toBe('Erasing “ada@example.com” failed: disk full. Run it again.');
  });
  it('names a visitor or a session', () => {
    expect(jobSummary(job({ kind: 'erase_visitor', user_id: undefined, visitor_id: 'v-123456789', status: 'done', sessions: 3 }))).toBe(
      'Erased 3 sessions, 0 events, 0 recording chunks and 0 files of visitor “v-123456789”.',
    );
    expect(jobSummary(job({ kind: 'erase_session', user_id: undefined, session_id: 's-123456789' }))).toBe(
      'Erasing session “s-123456789”… (job j1, queued)',
    );
  });
});
