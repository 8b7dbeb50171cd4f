// The segment filter bar: builds a segment (segments.ts) from chips without
// typing JSON, applies and saves named segments. Used by the Sessions list
// and the Funnels page; the same filter goes to the API as `segment`.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { useLoad } from '../hooks';
import {
  cleanCondition,
  describe,
  draftProblem,
  FIELDS,
  fieldDef,
  fromClauses,
  OP_LABELS,
  opsFor,
  toClauses,
  type Clause,
  type Condition,
  type SavedSegment,
  type SegmentFilter,
} from '../segments';
import { SIGNALS, signalLabel } from '../friction';
import { IconClose } from './icons';

export interface SegmentBarProps {
  pid: string;
  value: SegmentFilter | null;
  onChange: (f: SegmentFilter | null) => void;
  /** Suggested values per field (facets), for the value input. */
  suggestions?: Record<string, string[]>;
  /** Whether the caller may save segments (write permission). */
  canSave?: boolean;
}

export function SegmentBar({ pid, value, onChange, suggestions = {}, canSave = true }: SegmentBarProps) {
  const { match, clauses } = toClauses(value);
  const [adding, setAdding] = useState(false);
  const saved = useLoad((signal) => api.segments(pid, signal), [pid]);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const list: SavedSegment[] = saved.data?.segments || [];
  const current = list.find((s) => JSON.stringify(s.filter) === JSON.stringify(value));

  const set = (m: 'all' | 'any', cs: Clause[]) => onChange(fromClauses(m, cs));
  const save = async () => {
    if (!value || !name.trim()) return;
    setError(null);
    try {
      await api.saveSegment(pid, { name: name.trim(), filter: value });
      setSaving(false);
      setName('');
      saved.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const remove = async (s: SavedSegment) => {
    if (!confirm(`Delete the segment “${s.name}”?`)) return;
    try {
      await api.deleteSegment(pid, s.id);
      saved.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div class="segbar" role="group" aria-label="Segment">
      <label class={'pill' + (current ? ' active' : '')}>
        <span class="pill-label">Segment</span>
        <span class="pill-value">{current ? current.name : clauses.length ? 'Custom' : 'Everyone'}</span>
        <svg class="pill-caret" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
          <path d="M2 3.75 5 6.75 8 3.75" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
        </svg>
        <select
          aria-label="Saved segment"
          value={current?.id || ''}
          onChange={(e) => {
            const id = (e.target as HTMLSelectElement).value;
            const s = list.find((x) => x.id === id);
            onChange(s ? s.filter : null);
          }}
        >
          <option value="">{clauses.length && !current ? 'Custom' : 'Everyone'}</option>
          {list.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {clauses.length > 1 && (
        <button class="btn ghost sm match" onClick={() => set(match === 'all' ? 'any' : 'all', clauses)} title="Whether sessions must match every filter or any one">
          Match {match === 'all' ? 'all' : 'any'}
        </button>
      )}
      {clauses.map((c, i) => (
        <span key={i} class={'seg-chip' + (c.negated ? ' negated' : '')}>
          <button
            class="seg-not"
            title={c.negated ? 'Excluded: click to include' : 'Click to exclude these sessions'}
            aria-label={c.negated ? 'Include' : 'Exclude'}
            onClick={() => set(match, clauses.map((x, j) => (j === i ? { ...x, negated: !x.negated } : x)))}
          >
            {c.negated ? 'not' : 'is'}
          </button>
          <span class="seg-text">{describe(c.node)}</span>
          <button class="seg-x" aria-label={`Remove ${describe(c.node)}`} onClick={() => set(match, clauses.filter((_, j) => j !== i))}>
            <IconClose size={11} />
          </button>
        </span>
      ))}
      <div class="pop-wrap">
        <button class="btn sm" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          + Filter
        </button>
        {adding && (
          <ConditionEditor
            suggestions={suggestions}
            onCancel={() => setAdding(false)}
            onAdd={(cond, negated) => {
              setAdding(false);
              set(match, [...clauses, { node: cond, negated }]);
            }}
          />
        )}
      </div>
      {value && canSave && !current && (
        saving ? (
          <span class="seg-save">
            <input
              class="input sm"
              placeholder="Segment name"
              aria-label="Segment name"
              value={name}
              maxLength={100}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
              onKeyDown={(e) => e.key === 'Enter' && save()}
            />
            <button class="btn sm primary" disabled={!name.trim()} onClick={save}>
              Save
            </button>
            <button class="btn sm ghost" onClick={() => setSaving(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button class="btn ghost sm" onClick={() => setSaving(true)}>
            Save segment
          </button>
        )
      )}
      {current && canSave && (
        <button class="btn ghost sm" onClick={() => remove(current)} title="Delete this saved segment">
          Delete
        </button>
      )}
      {value && (
        <button class="btn ghost sm" onClick={() => onChange(null)}>
          <IconClose size={13} /> Everyone
        </button>
      )}
      {error && <span class="form-error small">{error}</span>}
    </div>
  );
}

function ConditionEditor({
  suggestions,
  onAdd,
  onCancel,
}: {
  suggestions: Record<string, string[]>;
  onAdd: (c: Condition, negated: boolean) => void;
  onCancel: () => void;
}) {
  const [c, setC] = useState<Condition>({ field: 'utm_source', op: 'eq', value: '' });
  const [negated, setNegated] = useState(false);
  const [tried, setTried] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => ref.current && !ref.current.parentElement!.contains(e.target as Node) && onCancel();
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, []);
  const def = fieldDef(c.field)!;
  const ops = opsFor(c.field, c.type);
  const problem = draftProblem(c);
  const setField = (field: string) => {
    const o = opsFor(field);
    const d = fieldDef(field)!;
    setC({ field, op: o[0], value: d.choices ? d.choices[0].value : '' });
  };
  const add = () => {
    setTried(true);
    if (!problem) onAdd(cleanCondition(c), negated);
  };
  const groups = [...new Set(FIELDS.map((f) => f.group))];
  const sugg = suggestions[c.field] || [];
  return (
    <div class="popover seg-editor" ref={ref} role="dialog" aria-label="Add a filter">
      <label class="pop-field">
        <span>Field</span>
        <select class="input sm" aria-label="Field" value={c.field} onChange={(e) => setField((e.target as HTMLSelectElement).value)}>
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {FIELDS.filter((f) => f.group === g).map((f) => (
                <option key={f.field} value={f.field}>
                  {f.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {def.help && <p class="muted small">{def.help}</p>}
      {c.field === 'trait' && (
        <div class="pop-row">
          <label class="pop-field">
            <span>Trait</span>
            <input class="input sm" aria-label="Trait name" placeholder="role" value={c.key || ''} onInput={(e) => setC({ ...c, key: (e.target as HTMLInputElement).value })} />
          </label>
          <label class="pop-field">
            <span>Type</span>
            <select
              class="input sm"
              aria-label="Trait type"
              value={c.type || 'string'}
              onChange={(e) => {
                const type = (e.target as HTMLSelectElement).value as Condition['type'];
                setC({ ...c, type, op: opsFor('trait', type)[0], value: type === 'bool' ? 'true' : c.value });
              }}
            >
              <option value="string">Text</option>
              <option value="number">Number</option>
              <option value="bool">Yes / no</option>
            </select>
          </label>
        </div>
      )}
      {ops.length > 0 && (
        <label class="pop-field">
          <span>Operator</span>
          <select class="input sm" aria-label="Operator" value={c.op} onChange={(e) => setC({ ...c, op: (e.target as HTMLSelectElement).value })}>
            {ops.map((o) => (
              <option key={o} value={o}>
                {OP_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
      )}
      {c.field === 'friction' ? (
        <>
          <label class="pop-field">
            <span>Signal</span>
            <select class="input sm" aria-label="Signal" value={c.value || ''} onChange={(e) => setC({ ...c, value: (e.target as HTMLSelectElement).value })}>
              <option value="">Any signal</option>
              {SIGNALS.map((s) => (
                <option key={s} value={s}>
                  {signalLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <label class="pop-field">
            <span>On element</span>
            <input class="input sm mono" aria-label="Selector" placeholder="#plan-select (optional)" value={c.selector || ''} onInput={(e) => setC({ ...c, selector: (e.target as HTMLInputElement).value })} />
          </label>
        </>
      ) : c.op === 'exists' ? null : def.choices || (c.field === 'trait' && c.type === 'bool') ? (
        <label class="pop-field">
          <span>Value</span>
          <select class="input sm" aria-label="Value" value={c.op === 'in' ? (c.values || [])[0] : c.value} onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            setC(c.op === 'in' ? { ...c, values: [v] } : { ...c, value: v });
          }}>
            {(def.choices || [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label class="pop-field">
          <span>{c.op === 'in' ? 'Values (comma-separated)' : 'Value'}</span>
          <input
            class={'input sm' + (c.field === 'clicked' || c.field === 'submitted' ? ' mono' : '')}
            aria-label="Value"
            type={c.field === 'started_at' ? 'date' : 'text'}
            list={sugg.length ? 'seg-sugg' : undefined}
            placeholder={def.placeholder}
            value={c.op === 'in' ? (c.values || []).join(', ') : c.value || ''}
            onInput={(e) => {
              const v = (e.target as HTMLInputElement).value;
              setC(c.op === 'in' ? { ...c, values: v.split(',') } : { ...c, value: v });
            }}
            onKeyDown={(e) => e.key === 'Enter' && add()}
          />
          {sugg.length > 0 && (
            <datalist id="seg-sugg">
              {sugg.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
        </label>
      )}
      {c.field === 'guide' && (
        <label class="pop-field">
          <span>Action</span>
          <select class="input sm" aria-label="Guide action" value={c.action || 'seen'} onChange={(e) => setC({ ...c, action: (e.target as HTMLSelectElement).value as Condition['action'] })}>
            <option value="seen">Saw it</option>
            <option value="completed">Completed it</option>
          </select>
        </label>
      )}
      <label class="check small">
        <input type="checkbox" checked={negated} onChange={(e) => setNegated((e.target as HTMLInputElement).checked)} /> Exclude these sessions
      </label>
      {tried && problem && <p class="form-error small">{problem}</p>}
      <div class="pop-actions">
        <button class="btn sm ghost" onClick={onCancel}>
          Cancel
        </button>
        <button class="btn sm primary" onClick={add}>
          Add filter
        </button>
      </div>
    </div>
  );
}
