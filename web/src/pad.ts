// The drawing pad: strokes with a mouse, a pen or a finger (pointer events), a callback as ink
// changes; the ink comes out as one 0..255 value per canvas pixel (its alpha).
export class Pad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly changed: () => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.ctx.lineCap = 'round';
    this.ctx.lineJoin = 'round';
    this.ctx.lineWidth = canvas.width / 12;
    canvas.style.touchAction = 'none'; // a finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (e) => { canvas.setPointerCapture(e.pointerId); this.last = this.at(e); this.dot(this.last); });
    canvas.addEventListener('pointermove', (e) => { if (this.last) this.line(this.at(e)); });
    const end = () => { if (this.last) { this.last = null; this.changed(); } };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void { this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height); this.changed(); }

  ink(): Uint8Array {
    const rgba = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height).data, out = new Uint8Array(rgba.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4 + 3]!;
    return out;
  }

  private at(e: PointerEvent) {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private dot(p: { x: number; y: number }): void {
    this.ctx.beginPath(); this.ctx.arc(p.x, p.y, this.ctx.lineWidth / 2, 0, 2 * Math.PI); this.ctx.fill(); this.changed();
  }

  private line(p: { x: number; y: number }): void {
    this.ctx.beginPath(); this.ctx.moveTo(this.last!.x, this.last!.y); this.ctx.lineTo(p.x, p.y); this.ctx.stroke();
    this.last = p;
    this.changed();
  }
}
