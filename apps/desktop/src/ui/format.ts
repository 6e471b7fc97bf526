/**
 * Times and dates as people write them in each language: "2:05 PM" in English (never "02:05 PM"),
 * "14:05" in Spanish.
 */
export function formatTime(iso: string | Date, locale: string): string {
  return new Date(iso).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** A moment: the time alone today, the day and time this year, the full date otherwise. */
export function formatMoment(iso: string | Date, locale: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return formatTime(d, locale);
  return d.toLocaleString(locale, {
    day: 'numeric',
    month: 'short',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  });
}
