/**
 * Builds the sample repository content (`include_samples` / `sample_data` on repository
 * creation) from data and drawings of our own: a Parquet table of lakes, a README, a source note,
 * a few PNG charts and an animated GIF. Deterministic, so the committed assets under
 * `assets/samples/` can be checked against a fresh build (`npm run samples -w lakefs-ts-server`
 * rewrites them). Runs at development time only; the server reads the committed files.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { GifWriter } from "omggif";
import { PNG } from "pngjs";

interface Lake {
  readonly name: string;
  readonly country: string;
  readonly continent: string;
  readonly areaKm2: number;
  readonly maxDepthM: number;
  readonly elevationM: number;
  readonly volumeKm3: number;
  readonly freshwater: boolean;
}

/** Approximate figures, rounded; enough for a demo table, not a reference. */
const LAKES: readonly Lake[] = [
  lake("Caspian Sea", "Kazakhstan", "Asia", 371000, 1025, -28, 78200, false),
  lake("Superior", "United States", "North America", 82100, 406, 183, 12100, true),
  lake("Victoria", "Uganda", "Africa", 59947, 83, 1134, 2760, true),
  lake("Huron", "Canada", "North America", 59600, 229, 176, 3540, true),
  lake("Michigan", "United States", "North America", 58000, 281, 176, 4920, true),
  lake("Tanganyika", "Tanzania", "Africa", 32600, 1470, 773, 18900, true),
  lake("Baikal", "Russia", "Asia", 31500, 1642, 456, 23615, true),
  lake("Great Bear Lake", "Canada", "North America", 31080, 446, 156, 2236, true),
  lake("Malawi", "Malawi", "Africa", 29600, 706, 468, 8400, true),
  lake("Great Slave Lake", "Canada", "North America", 27200, 614, 156, 1580, true),
  lake("Erie", "United States", "North America", 25700, 64, 174, 480, true),
  lake("Winnipeg", "Canada", "North America", 24514, 36, 217, 284, true),
  lake("Ontario", "Canada", "North America", 18960, 244, 75, 1640, true),
  lake("Ladoga", "Russia", "Europe", 17700, 230, 5, 908, true),
  lake("Balkhash", "Kazakhstan", "Asia", 16400, 26, 341, 106, false),
  lake("Vostok", "Antarctica", "Antarctica", 12500, 900, -500, 5400, true),
  lake("Onega", "Russia", "Europe", 9700, 127, 33, 285, true),
  lake("Titicaca", "Peru", "South America", 8372, 281, 3812, 893, true),
  lake("Nicaragua", "Nicaragua", "North America", 8264, 26, 32, 108, true),
  lake("Vänern", "Sweden", "Europe", 5650, 106, 44, 153, true),
  lake("Issyk-Kul", "Kyrgyzstan", "Asia", 6236, 668, 1607, 1738, false),
  lake("Geneva", "Switzerland", "Europe", 580, 310, 372, 89, true),
  lake("Constance", "Germany", "Europe", 536, 251, 395, 48, true),
  lake("Taupō", "New Zealand", "Oceania", 616, 186, 356, 59, true),
  lake("Crater Lake", "United States", "North America", 53, 594, 1883, 19, true),
];

function lake(
  name: string,
  country: string,
  continent: string,
  areaKm2: number,
  maxDepthM: number,
  elevationM: number,
  volumeKm3: number,
  freshwater: boolean,
): Lake {
  return { name, country, continent, areaKm2, maxDepthM, elevationM, volumeKm3, freshwater };
}

/** The lakes table as Parquet (strings UTF8, numbers INT32/DOUBLE, a boolean). */
export function lakesParquet(): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "name", data: LAKES.map((l) => l.name), type: "STRING" },
      { name: "country", data: LAKES.map((l) => l.country), type: "STRING" },
      { name: "continent", data: LAKES.map((l) => l.continent), type: "STRING" },
      { name: "area_km2", data: LAKES.map((l) => l.areaKm2), type: "DOUBLE" },
      { name: "max_depth_m", data: LAKES.map((l) => l.maxDepthM), type: "INT32" },
      { name: "elevation_m", data: LAKES.map((l) => l.elevationM), type: "INT32" },
      { name: "volume_km3", data: LAKES.map((l) => l.volumeKm3), type: "DOUBLE" },
      { name: "freshwater", data: LAKES.map((l) => l.freshwater), type: "BOOLEAN" },
    ],
  });
  return new Uint8Array(buffer);
}

type Rgb = readonly [number, number, number];

const SKY: Rgb = [196, 226, 245];
const WATER: Rgb = [38, 110, 170];
const DEEP: Rgb = [18, 52, 96];
const LAND: Rgb = [106, 150, 82];
const PAPER: Rgb = [250, 250, 246];
const INK: Rgb = [40, 44, 52];

/** A small RGB canvas with the few drawing operations the pictures need. */
class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(c, (y * this.width + x) * 3);
  }

  rect(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }

  png(): Uint8Array {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.width * this.height; i++) {
      png.data[i * 4] = this.pixels[i * 3]!;
      png.data[i * 4 + 1] = this.pixels[i * 3 + 1]!;
      png.data[i * 4 + 2] = this.pixels[i * 3 + 2]!;
      png.data[i * 4 + 3] = 255;
    }
    return new Uint8Array(PNG.sync.write(png));
  }
}

/** Horizontal bars of the ten largest lakes by area (square-root scale so small ones show). */
function areaChart(): Uint8Array {
  const top = [...LAKES].sort((a, b) => b.areaKm2 - a.areaKm2).slice(0, 10);
  const c = new Canvas(160, 100, PAPER);
  const max = Math.sqrt(top[0]!.areaKm2);
  top.forEach((l, i) => {
    const w = Math.max(2, Math.round((Math.sqrt(l.areaKm2) / max) * 140));
    c.rect(10, 6 + i * 9, w, 6, l.freshwater ? WATER : [150, 120, 60]);
  });
  c.rect(9, 4, 1, 92, INK);
  return c.png();
}

/** Vertical bars of maximum depth, hanging down from a surface line like depth soundings. */
function depthChart(): Uint8Array {
  const deepest = [...LAKES].sort((a, b) => b.maxDepthM - a.maxDepthM).slice(0, 12);
  const c = new Canvas(160, 100, SKY);
  c.rect(0, 10, 160, 1, INK);
  const max = deepest[0]!.maxDepthM;
  deepest.forEach((l, i) => {
    const h = Math.max(2, Math.round((l.maxDepthM / max) * 84));
    c.rect(6 + i * 13, 11, 9, h, i < 3 ? DEEP : WATER);
  });
  return c.png();
}

/** A landscape: sky, hills and a lake whose colour deepens towards its middle. */
function landscape(): Uint8Array {
  const c = new Canvas(160, 100, SKY);
  for (let x = 0; x < 160; x++) {
    const hill = Math.round(48 + 10 * Math.sin(x / 17) + 6 * Math.sin(x / 7 + 1));
    c.rect(x, hill, 1, 100 - hill, LAND);
  }
  for (let y = 58; y < 92; y++) {
    const half = Math.round(70 * Math.sqrt(1 - ((y - 75) / 17) ** 2));
    for (let x = 80 - half; x < 80 + half; x++) {
      const d = Math.min(1, Math.hypot((x - 80) / 70, (y - 75) / 17));
      c.set(x, y, mix(DEEP, WATER, d));
    }
  }
  return c.png();
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;
}

/** An animated GIF of ripples spreading over water from a dropped stone (8 frames, looping). */
function ripplesGif(): Uint8Array {
  const width = 80;
  const height = 60;
  const palette = [0x266eaa, 0x5b9bd0, 0xc4e2f5, 0x12345f];
  const frames = 8;
  const buffer = new Uint8Array(width * height * frames + 1024);
  const gif = new GifWriter(buffer, width, height, { loop: 0, palette });
  for (let f = 0; f < frames; f++) {
    const pixels: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const r = Math.hypot(x - width / 2, y - height / 2);
        const wave = Math.abs(r - f * 4);
        pixels.push(wave < 1.2 ? 2 : wave < 3 && r < f * 4 ? 1 : r < 3 ? 3 : 0);
      }
    }
    gif.addFrame(0, 0, width, height, pixels, { delay: 12 });
  }
  return buffer.slice(0, gif.end());
}

const README = `# Sample repository

This repository was created by **lakefs-ts-server** with sample data, so there is something to
explore right away. lakefs-ts-server is an embedded, lakeFS-compatible server: it speaks the lakeFS
REST API, so the lakeFS web UI, \`lakectl\`, the Python SDK, lakefs-spec and the \`lakefs-ts\`
TypeScript SDK all work against it, with versioned data kept on the local disk.

## What is here

| path | what it is |
| --- | --- |
| \`lakes.parquet\` | a Parquet table of ${LAKES.length} lakes: name, country, continent, area, depth, elevation, volume, freshwater |
| \`data/lakes.source.md\` | where the figures in the table come from |
| \`images/\` | charts drawn from the table, a landscape and an animated GIF |

## Things to try

1. Read the table: \`pandas.read_parquet("lakefs://<repository>/main/lakes.parquet")\` with
   lakefs-spec, or download it with \`lakectl fs download\`.
2. Create a branch, change the table there, commit, and compare it with \`main\` (diff).
3. Merge the branch back into \`main\`. Direct commits to \`main\` are blocked by a branch
   protection rule, as in lakeFS's own sample repository: changes arrive through merges.
4. Revert the merge, or read the table as it was at an older commit.

With the TypeScript SDK:

\`\`\`ts
import { repository } from "lakefs-ts";

const repo = repository("<repository>");
const branch = await repo.branch("experiment").create("main");
await branch.object("notes.txt").upload("an experiment");
await branch.commit("Start an experiment");
await branch.mergeInto("main");
\`\`\`
`;

const SOURCE_NOTE = `# lakes.parquet: source note

The table in \`lakes.parquet\` was compiled by the lakefs-ts authors for demonstration. Figures
are rounded values of widely published measurements (surface area, maximum depth, surface
elevation and volume); published values vary between sources and with water levels, so do not use
them as reference data. \`country\` names one country the lake touches.

Columns: \`name\` (string), \`country\` (string), \`continent\` (string), \`area_km2\` (double),
\`max_depth_m\` (int32), \`elevation_m\` (int32, metres above sea level), \`volume_km3\` (double),
\`freshwater\` (boolean).
`;

/** Every sample file: repository path → bytes. Paths sort as the repository lists them. */
export function sampleFiles(): Map<string, Uint8Array> {
  const text = (s: string) => new TextEncoder().encode(s);
  return new Map<string, Uint8Array>([
    ["README.md", text(README)],
    ["data/lakes.source.md", text(SOURCE_NOTE)],
    ["images/area-by-lake.png", areaChart()],
    ["images/deepest-lakes.png", depthChart()],
    ["images/landscape.png", landscape()],
    ["images/ripples.gif", ripplesGif()],
    ["lakes.parquet", lakesParquet()],
  ]);
}
