/** Vite turns `?url` imports of font files into the URL of the emitted asset. */
declare module '*.ttf?url' {
  const url: string;
  export default url;
}
