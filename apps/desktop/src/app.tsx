import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { WelcomeScreen } from './features/welcome/welcome-screen.tsx';
import { I18nProvider } from './ui/i18n.tsx';

export function App() {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1 } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <WelcomeScreen />
      </I18nProvider>
    </QueryClientProvider>
  );
}
