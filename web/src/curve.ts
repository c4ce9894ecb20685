// The live training curve: loss and batch error against the step, as SVG polylines that grow
// with each logging interval.
const W = 420, H = 180, PAD = 28;

export class Curve {
  readonly points: { step: number; loss: number; error: number }[] = [];
  constructor(private readonly svg: SVGSVGElement, private readonly steps: () => number) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.innerHTML = `<rect x="${PAD}" y="8" width="${W - 2 * PAD}" height="${H - PAD - 8}" fill="none" stroke="#999"/>`
      + `<polyline id="curve-loss" fill="none" stroke="#0072B2" stroke-width="2"/><polyline id="curve-error" fill="none" stroke="#D55E00" stroke-width="2"/>`
      + `<text x="${PAD}" y="${H - 8}" font-size="11" fill="#0072B2">loss (batch)</text><text x="${PAD + 90}" y="${H - 8}" font-size="11" fill="#D55E00">error (batch, 0–100 %)</text>`
      + `<text id="curve-max" x="${PAD - 4}" y="16" font-size="10" text-anchor="end"></text>`;
  }

  clear(): void { this.points.length = 0; this.draw(); }

  add(step: number, loss: number, error: number): void { this.points.push({ step, loss, error }); this.draw(); }

  private draw(): void {
    const maxLoss = Math.max(1e-9, ...this.points.map((p) => p.loss)), n = Math.max(1, this.steps());
    const x = (s: number) => (PAD + ((W - 2 * PAD) * s) / n).toFixed(1);
    const y = (v: number) => (8 + (H - PAD - 8) * (1 - v)).toFixed(1);
    this.svg.querySelector('#curve-loss')!.setAttribute('points', this.points.map((p) => `${x(p.step)},${y(p.loss / maxLoss)}`).join(' '));
    this.svg.querySelector('#curve-error')!.setAttribute('points', this.points.map((p) => `${x(p.step)},${y(p.error)}`).join(' '));
    this.svg.querySelector('#curve-max')!.textContent = this.points.length ? maxLoss.toFixed(2) : '';
  }
}
