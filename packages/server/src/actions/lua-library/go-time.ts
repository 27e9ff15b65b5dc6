/**
 * Go's reference-time layouts ("2006-01-02T15:04:05-07:00") for the Lua `time` module: format
 * an instant in an IANA zone, and parse a value the way Go's `time.Parse` does (UTC unless the
 * value carries an offset). Zones come from the runtime's Intl data.
 */

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Layout elements, longest first where one is a prefix of another. */
const ELEMENTS = [
  "January",
  "Jan",
  "Monday",
  "Mon",
  "MST",
  "2006",
  "002",
  "__2",
  "_2",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "15",
  "1",
  "2",
  "3",
  "4",
  "5",
  "PM",
  "pm",
  "-07:00:00",
  "-070000",
  "-07:00",
  "-0700",
  "-07",
  "Z07:00:00",
  "Z070000",
  "Z07:00",
  "Z0700",
  "Z07",
] as const;

/** What Go names a numeric element in "… out of range". */
const FIELD_OF: Readonly<Record<string, string>> = {
  "01": "month",
  "1": "month",
  "02": "day",
  _2: "day",
  "2": "day",
  "002": "day-of-year",
  __2: "day-of-year",
  "15": "hour",
  "03": "hour",
  "3": "hour",
  "04": "minute",
  "4": "minute",
  "05": "second",
  "5": "second",
};

type Chunk = { literal: string } | { element: string } | { fraction: string };

function chunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let literal = "";
  let i = 0;
  while (i < layout.length) {
    const rest = layout.slice(i);
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(rest);
    const element = frac ? undefined : ELEMENTS.find((e) => rest.startsWith(e));
    if (frac === null && element === undefined) {
      literal += layout[i];
      i++;
      continue;
    }
    if (literal !== "") out.push({ literal });
    literal = "";
    if (frac) {
      out.push({ fraction: frac[0] });
      i += frac[0].length;
    } else {
      out.push({ element: element! });
      i += element!.length;
    }
  }
  if (literal !== "") out.push({ literal });
  return out;
}

/** Wall-clock fields of `epochMs` in `zone`, its offset from UTC and its abbreviation. */
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yearDay: number;
  offsetSeconds: number;
  abbreviation: string;
}

/** Go's `time.LoadLocation`: "" and "UTC" are UTC, "Local" the server's zone. */
export function checkZone(zone: string): string | undefined {
  if (zone === "" || zone === "UTC") return "UTC";
  if (zone === "Local") return undefined;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new Error(`unknown time zone ${zone}`);
  }
  return zone;
}

function wallClock(epochMs: number, zone: string): Wall {
  const timeZone = checkZone(zone);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      timeZoneName: "short",
    })
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  const [year, month, day, hour, minute, second] = [
    parts.year,
    parts.month,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  ].map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetSeconds = Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 1000);
  const date = new Date(Date.UTC(year, month - 1, day));
  const yearDay = (date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: date.getUTCDay(),
    yearDay,
    offsetSeconds,
    abbreviation: timeZone === "UTC" ? "UTC" : (parts.timeZoneName ?? ""),
  };
}

const pad = (n: number, width: number, fill = "0") => String(n).padStart(width, fill);

function formatOffset(seconds: number, element: string): string {
  if (element.startsWith("Z") && seconds === 0) return "Z";
  const sign = seconds < 0 ? "-" : "+";
  const abs = Math.abs(seconds);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = pad(abs % 60, 2);
  const shape = element.slice(1);
  if (shape === "07") return sign + hh;
  if (shape === "0700") return sign + hh + mm;
  if (shape === "07:00") return `${sign}${hh}:${mm}`;
  if (shape === "070000") return sign + hh + mm + ss;
  return `${sign}${hh}:${mm}:${ss}`;
}

/** Go's `time.Unix(seconds, 0).In(zone).Format(layout)`. */
export function formatGo(epochSeconds: number, layout: string, zone: string): string {
  const w = wallClock(epochSeconds * 1000, zone);
  const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
  return chunks(layout)
    .map((c) => {
      if ("literal" in c) return c.literal;
      // Whole seconds only: the fraction is zero ("" for the 9s form, which trims zeros).
      if ("fraction" in c) return c.fraction[1] === "9" ? "" : c.fraction[0] + c.fraction.slice(1);
      switch (c.element) {
        case "January":
          return MONTHS[w.month - 1];
        case "Jan":
          return MONTHS[w.month - 1]!.slice(0, 3);
        case "Monday":
          return DAYS[w.weekday];
        case "Mon":
          return DAYS[w.weekday]!.slice(0, 3);
        case "MST":
          return w.abbreviation;
        case "2006":
          return pad(w.year, 4);
        case "06":
          return pad(w.year % 100, 2);
        case "002":
          return pad(w.yearDay, 3);
        case "__2":
          return pad(w.yearDay, 3, " ");
        case "_2":
          return pad(w.day, 2, " ");
        case "01":
          return pad(w.month, 2);
        case "1":
          return String(w.month);
        case "02":
          return pad(w.day, 2);
        case "2":
          return String(w.day);
        case "15":
          return pad(w.hour, 2);
        case "03":
          return pad(hour12, 2);
        case "3":
          return String(hour12);
        case "04":
          return pad(w.minute, 2);
        case "4":
          return String(w.minute);
        case "05":
          return pad(w.second, 2);
        case "5":
          return String(w.second);
        case "PM":
          return w.hour >= 12 ? "PM" : "AM";
        case "pm":
          return w.hour >= 12 ? "pm" : "am";
        default:
          return formatOffset(w.offsetSeconds, c.element);
      }
    })
    .join("");
}

class ParseError extends Error {
  constructor(value: string, layout: string, rest: string, element: string) {
    super(
      `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(element)}`,
    );
  }
}

/** Go's `time.Parse(layout, value)` as nanoseconds since the epoch. */
export function parseGo(layout: string, value: string): number {
  let rest = value;
  let year = 1; // Go's zero time: January 1, year 1
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm: boolean | undefined;
  let offsetSeconds = 0;
  const take = (re: RegExp, element: string): string => {
    const m = re.exec(rest);
    if (!m) throw new ParseError(value, layout, rest, element);
    rest = rest.slice(m[0].length);
    return m[0];
  };
  const num = (re: RegExp, element: string, min: number, max: number): number => {
    const n = Number(take(re, element));
    if (n < min || n > max)
      throw new Error(
        `parsing time ${JSON.stringify(value)}: ${FIELD_OF[element] ?? element} out of range`,
      );
    return n;
  };
  const name = (names: readonly string[], short: boolean, element: string): number => {
    const index = names.findIndex((n) =>
      rest.toLowerCase().startsWith((short ? n.slice(0, 3) : n).toLowerCase()),
    );
    if (index < 0) throw new ParseError(value, layout, rest, element);
    rest = rest.slice(short ? 3 : names[index]!.length);
    return index;
  };
  for (const c of chunks(layout)) {
    if ("literal" in c) {
      if (!rest.startsWith(c.literal)) throw new ParseError(value, layout, rest, c.literal);
      rest = rest.slice(c.literal.length);
      continue;
    }
    if ("fraction" in c) {
      const digits = take(c.fraction[1] === "9" ? /^([.,][0-9]+)?/ : /^[.,][0-9]+/, c.fraction);
      if (digits) nanos = Math.round(Number(`0.${digits.slice(1)}`) * 1e9);
      continue;
    }
    const e = c.element;
    switch (e) {
      case "January":
      case "Jan":
        month = name(MONTHS, e === "Jan", e) + 1;
        break;
      case "Monday":
      case "Mon":
        name(DAYS, e === "Mon", e);
        break;
      case "MST":
        // Go keeps the abbreviation with a zero offset unless it is UTC's own.
        take(/^[A-Z]{3,5}|^[+-][0-9]{1,2}/, e);
        break;
      case "2006":
        year = num(/^[0-9]{4}/, e, 0, 9999);
        break;
      case "06": {
        const yy = num(/^[0-9]{2}/, e, 0, 99);
        year = yy >= 69 ? 1900 + yy : 2000 + yy;
        break;
      }
      case "002":
      case "__2": {
        const yd = num(e === "002" ? /^[0-9]{3}/ : /^[ 0-9]{3}/, e, 1, 366);
        const d = new Date(Date.UTC(year, 0, yd));
        month = d.getUTCMonth() + 1;
        day = d.getUTCDate();
        break;
      }
      case "01":
        month = num(/^[0-9]{2}/, e, 1, 12);
        break;
      case "1":
        month = num(/^[0-9]{1,2}/, e, 1, 12);
        break;
      case "02":
        day = num(/^[0-9]{2}/, e, 1, 31);
        break;
      case "_2":
        day = num(/^( [0-9]|[0-9]{1,2})/, e, 1, 31);
        break;
      case "2":
        day = num(/^[0-9]{1,2}/, e, 1, 31);
        break;
      case "15":
        hour = num(/^[0-9]{1,2}/, e, 0, 23);
        break;
      case "03":
      case "3":
        hour = num(e === "03" ? /^[0-9]{2}/ : /^[0-9]{1,2}/, e, 0, 12);
        break;
      case "04":
      case "4":
        minute = num(e === "04" ? /^[0-9]{2}/ : /^[0-9]{1,2}/, e, 0, 59);
        break;
      case "05":
      case "5":
        second = num(e === "05" ? /^[0-9]{2}/ : /^[0-9]{1,2}/, e, 0, 59);
        // Go accepts a fraction after seconds even when the layout has none.
        if (/^[.,][0-9]/.test(rest))
          nanos = Math.round(Number(`0.${take(/^[.,][0-9]+/, e).slice(1)}`) * 1e9);
        break;
      case "PM":
      case "pm":
        pm = take(/^(AM|PM|am|pm)/, e).toUpperCase() === "PM";
        break;
      default: {
        if (e.startsWith("Z") && rest.startsWith("Z")) {
          rest = rest.slice(1);
          break;
        }
        const shape = e.slice(1);
        const re = {
          "07": /^[+-][0-9]{2}/,
          "0700": /^[+-][0-9]{4}/,
          "07:00": /^[+-][0-9]{2}:[0-9]{2}/,
          "070000": /^[+-][0-9]{6}/,
          "07:00:00": /^[+-][0-9]{2}:[0-9]{2}:[0-9]{2}/,
        }[shape]!;
        const text = take(re, e);
        const digits = text.slice(1).replaceAll(":", "");
        const seconds =
          Number(digits.slice(0, 2)) * 3600 +
          Number(digits.slice(2, 4) || 0) * 60 +
          Number(digits.slice(4, 6) || 0);
        offsetSeconds = text[0] === "-" ? -seconds : seconds;
      }
    }
  }
  if (rest !== "") {
    throw new Error(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`);
  }
  if (pm === true && hour < 12) hour += 12;
  if (pm === false && hour === 12) hour = 0;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  if (utc.getUTCDate() !== day) {
    throw new Error(`parsing time ${JSON.stringify(value)}: day out of range`);
  }
  return (utc.getTime() / 1000 - offsetSeconds) * 1e9 + nanos;
}
