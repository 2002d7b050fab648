import { createApp } from 'vue';
import { connectLab } from './api/lab';
import App from './App.vue';

const lab = connectLab();
createApp(App, { lab }).mount('#app');
