import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { connectLab } from './api/lab';
import App from './App.vue';
import { useLab } from './stores/lab';
import { startLabSync } from './stream-router';
import './styles/theme.css';

const lab = connectLab();
const app = createApp(App);
app.use(createPinia());
useLab().attach(lab);
startLabSync(lab);
app.mount('#app');
