import { mount } from 'svelte';
import App from './App.svelte';
import { forgetUrlToken } from './lib/api';
import { theme } from './lib/theme.svelte';
import './styles/app.css';

forgetUrlToken();
// Before the first paint of the app, so a dark window never flashes light (or the reverse).
theme.start();
mount(App, { target: document.getElementById('app')! });
