import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { loadPlatform } from './platform/index.ts';
import './ui/theme.css';
import './ui/chat.css';
import './ui/panels.css';
import './ui/everyday.css';
import './ui/social.css';
import './ui/points.css';
import './ui/spaces.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const platform = await loadPlatform();
createRoot(root).render(
  <StrictMode>
    <App platform={platform} />
  </StrictMode>,
);
