import { useId } from 'react';
import { Icon } from '../../ui/icons.tsx';
import { useE2eeText } from './e2ee-i18n.ts';
import './e2ee.css';

/** "End-to-end encrypted" at creation, with what it means (it cannot be undone; history lives on devices). */
export function EncryptedToggle({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  const x = useE2eeText();
  const hint = useId();
  return (
    <div className="e2ee-toggle">
      <label className="switch">
        <input
          type="checkbox"
          name="encrypted"
          checked={checked}
          aria-describedby={hint}
          onChange={(e) => onChange(e.target.checked)}
        />
        <Icon name="lock" size={16} /> {x('newChat.toggle')}
      </label>
      <p id={hint} className={checked ? 'e2ee-warning' : 'muted'}>
        {x('newChat.warning')}
      </p>
    </div>
  );
}
