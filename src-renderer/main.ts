import { mount } from 'svelte';
import App from './App.svelte';
import { forgetUrlToken } from './lib/api';
import './styles/app.css';

forgetUrlToken();
mount(App, { target: document.getElementById('app')! });
