/**
 * How much of a path a path rule's regex reads, worked out from its source. It lets the
 * normaliser resolve a whole directory of segment files once (docs/PERFORMANCE.md): millions of
 * `/vod/film/720p/seg_00042.ts` requests are decided by `/vod/film/720p/` alone when the rules
 * never look past the last slash.
 *
 * A regex is understood when it is `^` followed by items that are either a literal `/` or an atom
 * that can never match a `/` (literals, `\d \w \s`, classes without `/`, groups of such, any
 * quantifier), optionally ending in `$`, `.*` or `.*$`. Then its k-th literal slash can only match
 * the path's k-th slash, so on a path `DIR + NAME` (NAME without slashes) it reads no further than
 * the slash after its last one, and:
 * - if DIR has fewer than k slashes, it fails for every NAME;
 * - if DIR has more than k slashes, or nothing but a `.*` tail follows its last slash, it behaves
 *   on every NAME as on DIR itself (given NAME holds no line terminator, which `.` refuses);
 * - if DIR has exactly k slashes and more follows its last slash, it reads NAME.
 * Anything else (alternatives at the top level, lookarounds, back-references, `\b`, a slash inside
 * a group or under a quantifier, `.` before the end, escapes not listed) is opaque: such a rule
 * must always see the whole path.
 */

export interface RuleScope {
  /** Literal slashes outside groups. */
  slashes: number;
  /** True when something other than a `.*` tail follows the last of them (it reads the segment after it). */
  readsPastLastSlash: boolean;
}

/** What a rule does with the paths of one directory. */
export type DirectoryOutcome = 'fails' | 'same-as-directory' | 'reads-name';

/** Opaque regexes: the analysis gives up, which is always safe. */
class Opaque extends Error {}

const SLASH = 47;

/** The scope of a regex source (compiled without flags), or null when it is opaque. */
export function ruleScope(source: string): RuleScope | null {
  try {
    return new ScopeReader(source).read();
  } catch (error) {
    if (error instanceof Opaque) return null;
    throw error;
  }
}

/** How a rule with `scope` treats the paths `dir + name`, from the number of slashes in `dir`. */
export function directoryOutcome(scope: RuleScope, dirSlashes: number): DirectoryOutcome {
  if (dirSlashes < scope.slashes) return 'fails';
  return dirSlashes === scope.slashes && scope.readsPastLastSlash ? 'reads-name' : 'same-as-directory';
}

type Item = 'slash' | 'free' | 'end' | 'tail';

class ScopeReader {
  private at = 0;

  constructor(private readonly source: string) {}

  read(): RuleScope {
    const { source } = this;
    if (source[0] !== '^') throw new Opaque();
    this.at = 1;
    let slashes = 0;
    let afterLastSlash = false;
    while (this.at < source.length) {
      const item = this.topLevelItem();
      if (item === 'slash') {
        slashes += 1;
        afterLastSlash = false;
      } else if (item === 'free' || item === 'end') afterLastSlash = true;
      // 'tail' (`.*`, `.*$`) ends the source and matches whatever follows: it reads nothing.
    }
    return { slashes, readsPastLastSlash: afterLastSlash };
  }

  private topLevelItem(): Item {
    const { source } = this;
    const c = source[this.at];
    if (c === '$') {
      if (this.at !== source.length - 1) throw new Opaque();
      this.at += 1;
      return 'end';
    }
    if (c === '.') {
      // Only `.*` or `.*$` closing the source: it then matches the rest of any line.
      const rest = source.slice(this.at);
      if (rest !== '.*' && rest !== '.*$') throw new Opaque();
      this.at = source.length;
      return 'tail';
    }
    if (c === '|' || c === '^') throw new Opaque();
    const slash = this.atom();
    const quantified = this.quantifier();
    if (slash && quantified) throw new Opaque();
    return slash ? 'slash' : 'free';
  }

  /** Reads one atom; true when it is a literal slash, false when it can never match one. */
  private atom(): boolean {
    const { source } = this;
    const c = source[this.at];
    switch (c) {
      case '/':
        this.at += 1;
        return true;
      case '\\':
        return this.escape();
      case '[':
        this.characterClass();
        return false;
      case '(':
        this.group();
        return false;
      case '.':
      case '^':
      case '$':
      case '|':
      case ')':
      case ']':
      case '{':
      case '}':
      case '*':
      case '+':
      case '?':
      case undefined:
        throw new Opaque();
      default:
        this.at += 1;
        return false;
    }
  }

  /** `\x` outside a class: true for `\/`. */
  private escape(): boolean {
    const c = this.source[this.at + 1];
    this.at += 2;
    if (c === '/') return true;
    if (c !== undefined && /^[dws.^$|?*+()[\]{}\\\-nrtfv]$/.test(c)) return false;
    throw new Opaque();
  }

  /** `(...)`, `(?:...)` or `(?<name>...)` whose alternatives hold only slash-free atoms. */
  private group(): void {
    const { source } = this;
    this.at += 1;
    if (source[this.at] === '?') {
      if (source[this.at + 1] === ':') this.at += 2;
      else if (source[this.at + 1] === '<' && /^[A-Za-z_$]/.test(source[this.at + 2] ?? '')) {
        const close = source.indexOf('>', this.at);
        if (close < 0) throw new Opaque();
        this.at = close + 1;
      } else throw new Opaque(); // lookarounds
    }
    while (source[this.at] !== ')') {
      if (source[this.at] === '|') {
        this.at += 1;
        continue;
      }
      if (this.atom()) throw new Opaque(); // a slash inside a group could be any of the path's
      this.quantifier();
    }
    this.at += 1;
  }

  /** `[...]`: slash-free when it is a plain set without `/`, or a negated set with it. */
  private characterClass(): void {
    const { source } = this;
    this.at += 1;
    const negated = source[this.at] === '^';
    if (negated) this.at += 1;
    if (source[this.at] === ']') throw new Opaque(); // `[]` and `[^]`
    let hasSlash = false;
    while (source[this.at] !== ']') {
      const low = this.classMember();
      if (source[this.at] === '-' && source[this.at + 1] !== ']') {
        this.at += 1;
        const high = this.classMember();
        if (typeof low !== 'number' || typeof high !== 'number') throw new Opaque();
        if (low <= SLASH && SLASH <= high) hasSlash = true;
      } else if (low === 'set-with-slash' || low === SLASH) hasSlash = true;
    }
    this.at += 1;
    if (negated !== hasSlash) throw new Opaque();
  }

  /** One member of a class: a character code, or a set escape (with or without `/` in it). */
  private classMember(): number | 'set' | 'set-with-slash' {
    const { source } = this;
    const c = source[this.at];
    if (c === undefined) throw new Opaque();
    if (c !== '\\') {
      this.at += 1;
      return c.charCodeAt(0);
    }
    const e = source[this.at + 1];
    this.at += 2;
    switch (e) {
      case 'd':
      case 'w':
      case 's':
        return 'set';
      case 'D':
      case 'W':
      case 'S':
        return 'set-with-slash';
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 't':
        return 9;
      case 'f':
        return 12;
      case 'v':
        return 11;
      default:
        if (e !== undefined && /^[/.^$|?*+()[\]{}\\-]$/.test(e)) return e.charCodeAt(0);
        throw new Opaque();
    }
  }

  /** Reads an optional quantifier (`* + ? {n} {n,} {n,m}`, each maybe lazy); true when there was one. */
  private quantifier(): boolean {
    const { source } = this;
    const c = source[this.at];
    if (c === '*' || c === '+' || c === '?') this.at += 1;
    else if (c === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(source.slice(this.at));
      if (!m) throw new Opaque();
      this.at += m[0].length;
    } else return false;
    if (source[this.at] === '?') this.at += 1;
    return true;
  }
}
