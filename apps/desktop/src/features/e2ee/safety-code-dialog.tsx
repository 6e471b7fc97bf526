import type { Participant } from '@charla/shared-types';
import { useEffect, useMemo, useState } from 'react';
import { encode } from 'uqr';
import { Dialog } from '../../ui/dialog.tsx';
import type { E2eeBridge } from './e2ee-bridge.ts';
import { useE2eeText } from './e2ee-i18n.ts';

type Code = { groups: string[]; qr: string; verified: boolean };

/** The QR code as SVG squares (no HTML injection, no canvas). */
function Qr({ text, label }: { text: string; label: string }) {
  const matrix = useMemo(() => encode(text, { ecc: 'M', border: 2 }), [text]);
  const cells: string[] = [];
  matrix.data.forEach((row, y) => {
    row.forEach((on, x) => {
      if (on) cells.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return (
    <svg
      className="e2ee-qr"
      viewBox={`0 0 ${matrix.size} ${matrix.size}`}
      width={200}
      height={200}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={matrix.size} height={matrix.size} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}

/**
 * Verify: the safety code with one person, as 60 digits and a QR code, derived from both people's
 * device keys. Marking it verified is remembered on this device until their devices change.
 */
export function SafetyCodeDialog(p: {
  bridge: E2eeBridge;
  conversationId: string;
  people: Participant[];
  onClose(): void;
}) {
  const x = useE2eeText();
  const [who, setWho] = useState<string | null>(p.people.length === 1 ? (p.people[0]?.userId ?? null) : null);
  const [code, setCode] = useState<Code | null>(null);
  const [error, setError] = useState<string | null>(null);
  const person = p.people.find((q) => q.userId === who);
  const name = person?.user.displayName ?? '';

  useEffect(() => {
    if (!who) return;
    let cancelled = false;
    setCode(null);
    p.bridge
      .call('safetyCode', p.conversationId, who)
      .then((c) => !cancelled && setCode(c as Code))
      .catch((err: unknown) => !cancelled && setError((err as Error).message));
    return () => {
      cancelled = true;
    };
  }, [who, p.bridge, p.conversationId]);

  const mark = async () => {
    if (!who) return;
    await p.bridge.call('markVerified', p.conversationId, who);
    setCode((c) => (c ? { ...c, verified: true } : c));
  };

  return (
    <Dialog title={who ? x('verify.title', { name }) : x('verify.pick')} onClose={p.onClose}>
      {!who ? (
        <ul className="e2ee-people">
          {p.people.map((q) => (
            <li key={q.userId}>
              <button type="button" className="button secondary" onClick={() => setWho(q.userId)}>
                {q.user.displayName}
              </button>
            </li>
          ))}
        </ul>
      ) : error ? (
        <p role="alert">{error}</p>
      ) : !code ? (
        <p aria-busy="true">…</p>
      ) : (
        <div className="e2ee-safety">
          <p>{x('verify.explain', { name })}</p>
          <p className="e2ee-digits" data-testid="safety-code">
            {code.groups.map((g, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the groups are a fixed sequence of digits
              <span key={i}>{g}</span>
            ))}
          </p>
          <Qr text={code.qr} label={x('verify.qr')} />
          <p className={code.verified ? 'e2ee-verified' : 'muted'} role="status">
            {code.verified ? x('verify.verified') : x('verify.notVerified')}
          </p>
          {!code.verified && (
            <button type="button" className="button primary" data-autofocus onClick={() => void mark()}>
              {x('verify.mark')}
            </button>
          )}
        </div>
      )}
    </Dialog>
  );
}
