import { useI18n } from '../../ui/i18n.tsx';

/** Strings of the encrypted-chat feature, English and Spanish (kept beside the feature). */
const en = {
  lock: 'End-to-end encrypted',
  'newChat.toggle': 'End-to-end encrypted',
  'newChat.warning':
    'Only the people in this chat can read it, on their own devices. This cannot be turned off later. If you lose all your devices, you lose this chat’s history.',
  'list.preview': 'Encrypted chat',
  banner: 'Messages in this chat are end-to-end encrypted. Only the people in it can read them.',
  preparing: 'Setting up encryption on this device…',
  waiting:
    'Waiting for a device already in this chat to add this one. Messages sent before that will not be on this device.',
  removed: 'This device is no longer in this encrypted chat.',
  broken: 'This device lost track of the encrypted chat. Sign out and in again to rejoin it.',
  failed: 'Encryption is not available on this device: {error}',
  placeholder: 'Encrypted message',
  send: 'Send',
  attach: 'Attach a file',
  'note.joined_here': 'Older messages are not on this device: it joined this encrypted chat here.',
  'note.devices_changed': '{name}’s devices changed, so your safety code with them changed. Verify it again.',
  'note.undecryptable': 'A message from {name} could not be decrypted on this device.',
  'note.removed': 'This device was removed from the encrypted chat.',
  verify: 'Verify',
  'verify.title': 'Safety code with {name}',
  'verify.explain':
    'Compare these numbers with {name} in person or on a call, or scan each other’s code. If they match, nobody else (not even the server) can read your messages.',
  'verify.verified': 'Verified',
  'verify.notVerified': 'Not verified yet',
  'verify.mark': 'Mark as verified',
  'verify.pick': 'Whose safety code?',
  'verify.qr': 'QR code of the safety code',
  unavailable: 'Server search, translation and link previews are off in encrypted chats: the server cannot read them.',
  'search.local': 'Search this chat on this device',
  'search.none': 'No matches on this device',
  'search.encryptedNote': 'Encrypted chats are not searched on the server: open one and search it on this device.',
  'shared.local': 'From this device only: the server cannot see what an encrypted chat shared.',
  'evidence.verified': 'Encrypted message revealed by the reporter, verified against what the sender sent',
  'evidence.reaction': 'Reaction:',
  edited: 'edited',
  deleted: 'Message deleted',
  report: 'Report',
  reported: 'Reported to the moderators',
  delete: 'Delete',
  edit: 'Edit',
  react: 'Like',
  save: 'Save',
  cancel: 'Cancel',
  'error.send': 'Could not send: {error}',
  open: 'Open',
  decrypting: 'Decrypting…',
  you: 'You',
  'forward.onlyEncrypted':
    'Only end-to-end encrypted chats are listed: in any other chat the server could read this message.',
  'forward.none': 'You have no other encrypted chat to forward to.',
  'forward.busy': 'Forwarding…',
} as const;

type Key = keyof typeof en;

const es: Record<Key, string> = {
  lock: 'Cifrado de extremo a extremo',
  'newChat.toggle': 'Cifrado de extremo a extremo',
  'newChat.warning':
    'Solo las personas de este chat pueden leerlo, en sus propios dispositivos. No se puede desactivar después. Si pierdes todos tus dispositivos, pierdes el historial de este chat.',
  'list.preview': 'Chat cifrado',
  banner:
    'Los mensajes de este chat están cifrados de extremo a extremo. Solo las personas que están en él pueden leerlos.',
  preparing: 'Preparando el cifrado en este dispositivo…',
  waiting:
    'Esperando a que un dispositivo que ya está en este chat añada este. Los mensajes enviados antes no estarán en este dispositivo.',
  removed: 'Este dispositivo ya no está en este chat cifrado.',
  broken: 'Este dispositivo perdió el hilo del chat cifrado. Cierra sesión y vuelve a entrar para unirte de nuevo.',
  failed: 'El cifrado no está disponible en este dispositivo: {error}',
  placeholder: 'Mensaje cifrado',
  send: 'Enviar',
  attach: 'Adjuntar un archivo',
  'note.joined_here': 'Los mensajes anteriores no están en este dispositivo: se unió a este chat cifrado aquí.',
  'note.devices_changed':
    'Los dispositivos de {name} cambiaron, así que vuestro código de seguridad cambió. Verifícalo de nuevo.',
  'note.undecryptable': 'Un mensaje de {name} no se pudo descifrar en este dispositivo.',
  'note.removed': 'Este dispositivo fue eliminado del chat cifrado.',
  verify: 'Verificar',
  'verify.title': 'Código de seguridad con {name}',
  'verify.explain':
    'Compara estos números con {name} en persona o en una llamada, o escanead el código del otro. Si coinciden, nadie más (ni siquiera el servidor) puede leer vuestros mensajes.',
  'verify.verified': 'Verificado',
  'verify.notVerified': 'Aún sin verificar',
  'verify.mark': 'Marcar como verificado',
  'verify.pick': '¿Con quién?',
  'verify.qr': 'Código QR del código de seguridad',
  unavailable:
    'La búsqueda en el servidor, la traducción y las vistas previas de enlaces no funcionan en chats cifrados: el servidor no puede leerlos.',
  'search.local': 'Buscar en este chat en este dispositivo',
  'search.none': 'No hay coincidencias en este dispositivo',
  'search.encryptedNote': 'Los chats cifrados no se buscan en el servidor: abre uno y búscalo en este dispositivo.',
  'shared.local': 'Solo desde este dispositivo: el servidor no puede ver lo que se compartió en un chat cifrado.',
  'evidence.verified': 'Mensaje cifrado revelado por quien denuncia, verificado con lo que envió el remitente',
  'evidence.reaction': 'Reacción:',
  edited: 'editado',
  deleted: 'Mensaje eliminado',
  report: 'Denunciar',
  reported: 'Denunciado a los moderadores',
  delete: 'Eliminar',
  edit: 'Editar',
  react: 'Me gusta',
  save: 'Guardar',
  cancel: 'Cancelar',
  'error.send': 'No se pudo enviar: {error}',
  open: 'Abrir',
  decrypting: 'Descifrando…',
  you: 'Tú',
  'forward.onlyEncrypted':
    'Solo aparecen los chats cifrados de extremo a extremo: en cualquier otro chat el servidor podría leer este mensaje.',
  'forward.none': 'No tienes otro chat cifrado al que reenviarlo.',
  'forward.busy': 'Reenviando…',
};

export const e2eeDictionaries = { en, es };

export function e2eeText(locale: string, key: Key, vars: Record<string, string> = {}): string {
  const dict = locale === 'es' ? e2eeDictionaries.es : e2eeDictionaries.en;
  return dict[key].replace(/\{(\w+)\}/g, (_m, n: string) => vars[n] ?? `{${n}}`);
}

export function useE2eeText() {
  const { locale } = useI18n();
  return (key: Key, vars?: Record<string, string>) => e2eeText(locale, key, vars);
}
