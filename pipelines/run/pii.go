package run

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
)

// Personal data stays out of the warehouse. The guard looks at every text
// column a run loads that the pipeline does not hash (pii.hash) or drop
// (pii.drop), value by value as the rows stream past (pii_find.go says how
// each kind is recognised):
//
//   - resident ID numbers, 18 characters (check character, area code, birth
//     date) and 15 digits (area code, birth date), whole or inside text;
//   - mobile (1[3-9]x xxxx xxxx, with or without +86, spaces or dashes) and
//     fixed-line phone numbers (021-64123456, (0755)12345678), whole or inside
//     text;
//   - personal names: whole values (张伟, 欧阳娜娜), and inside text after a word
//     that introduces one (联系人张伟, 书记：王芳).
//
// A column fails the run, whatever else it holds, when one of its values
// carries an 18-digit ID number or a phone number, or a name or 15-digit ID
// number inside text: these are recognised closely enough that one is
// evidence. Whole-value names and 15-digit numbers are judged by the share
// they have of the column, because short words (高中, 金融业) look like names
// and registration numbers like old ID numbers:
//
//   - names: at least half of the column's values that are not placeholders
//     (无, 暂无, 不详, N/A …; empty values are not counted either) look like
//     names (a name alone, or followed by a remark in brackets), and at
//     least namesDistinct (5) different ones; a column of fewer values than
//     that fails when every one looks like a name. The rule comes from
//     measurements (pii_quiet_test.go, TestPIINamesColumnRule, run with -v):
//     of the 111 columns of the demo's inputs and the reference data (3.05M
//     values: organisation, township, community and party-organisation
//     names, codes, categories), the highest share of values that look like
//     names is 30.8% (学历, where 高中（中专） reads as a name and a remark),
//     and no column holds more than one different such value; ten columns of
//     categories such inputs carry (学历, 行业, 民族, 政治面貌 …) reach 30.9%
//     and 4 different values (金融业, 农业, 林业, 商业). Columns of fake names
//     score 100% with their placeholders set aside, 83% with a third of them
//     written in forms the guard does not read as names (扎西多吉,
//     阿依古丽·买买提, Zhang Wei).
//   - 15-digit ID numbers: at least half of the values, and at least
//     namesDistinct different ones.
//
// A column that fails fails the run: nothing is loaded, and the error names
// the file, the column, what was found, how often, and the row of the first
// value with it masked (110105********0021, 138****5678, 张*), never the value
// itself. Personal data inside free text fails the run like a column of it:
// text is not masked on its way in, because a note with a masked name is
// still about a person, and because a mask that is wrong (a word taken for a
// name) would change data silently; the remedy is to drop the column or to
// clean the text at the source.
//
// The guard decides as the rows stream, a batch at a time: nothing of the
// batch in which a column is found to carry personal data, nor of any batch
// after it, is passed to the load, so what was found never reaches the
// warehouse file (not even the row groups DuckDB writes ahead of a commit
// that it then rolls back); the rows before it passed the guard. The rest of
// the input is still read and checked, so that the counts and the
// quarantine are whole, and the run fails even if those rows would have
// brought a share below its threshold.
//
// The rows a run quarantines keep their values as read, with the pii policy
// applied: hashed columns hashed, dropped ones left out, ID numbers, phone
// numbers and names after a cue masked in every value and in every reason,
// and every value of a column of names masked to its surname.

// SaltFile is where a warehouse's salt lives: beside the warehouse file, mode
// 0600, never inside the database. Keeping it out of the file means that the
// warehouse, its published snapshot and anything `grassroots sql` shows carry
// only hashes that nobody can recompute from a member id without the salt.
// Back it up with the warehouse: a new salt makes new hashes.
func SaltFile(warehousePath string) string { return warehousePath + ".salt" }

// Salt returns the warehouse's salt, creating it on first use.
func Salt(warehousePath string) ([]byte, error) {
	p := SaltFile(warehousePath)
	b, err := os.ReadFile(p)
	if err == nil {
		s, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(s) < 16 {
			return nil, fmt.Errorf("pii: salt file %s is damaged; restore it from the warehouse's backup", p)
		}
		return s, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("pii: %w", err)
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return Salt(warehousePath) // created meanwhile by another run
	}
	if err != nil {
		return nil, fmt.Errorf("pii: create salt: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(s) + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("pii: write salt: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("pii: write salt: %w", err)
	}
	return s, nil
}

// hasher hashes ids with the salt: HMAC-SHA-256, first 128 bits in hex.
type hasher struct {
	salt []byte
	m    hash.Hash // reused by hashInto
	sum  []byte
}

func (h hasher) hash(v string) string {
	m := hmac.New(sha256.New, h.salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// hashLen is the length of a hash as hash returns it: 16 bytes in hex.
const hashLen = 32

// hashInto writes the hash of v, as hash returns it, to dst[:hashLen].
func (h *hasher) hashInto(dst []byte, v string) {
	if h.m == nil {
		h.m = hmac.New(sha256.New, h.salt)
	}
	h.m.Reset()
	io.WriteString(h.m, v)
	h.sum = h.m.Sum(h.sum[:0])
	hex.Encode(dst[:hashLen], h.sum[:hashLen/2])
}

// namesDistinct is the number of different names (or 15-digit ID numbers) a
// column needs, besides their share, to be taken for a column of them: a
// column of categories repeats a few short words (高中, 金融业) that look like
// names.
const namesDistinct = 5

// placeholder reports whether v stands for no value (无, 暂无, -, N/A …).
func placeholder(v string) bool {
	switch v {
	case "无", "暂无", "没有", "空", "不详", "未知", "未填", "未填写", "待定", "待补充", "缺", "略", "其他", "-", "--", "---",
		"—", "——", "/", "\\", "N/A", "n/a", "NA", "na", "null", "NULL", "Null", "none", "None", "NONE", "nil", "#N/A",
		"?", "？", "0", "x", "X", "×", "*":
		return true
	}
	return false
}

// finding counts one kind of personal data in a column.
type finding struct {
	whole int64 // values that are one of it
	text  int64 // values that carry it inside text
	row   int64 // the first of them
	mask  string
}

func (f *finding) n() int64 { return f.whole + f.text }

// detector counts, for one text column, the values that carry personal data
// (in the rows passed on to the load).
type detector struct {
	col    string
	from   string // the source column, "" for a constant
	values int64  // non-null values
	blank  int64  // empty or placeholders
	found  [numKinds]finding
	// distinct are different whole-value names and 15-digit numbers, up to
	// namesDistinct of each.
	distinct [numKinds]map[string]bool
	// refusing are the kinds the column was refused for so far: once a
	// column is refused, the load has stopped receiving rows, and the run
	// fails even if the rows after would have changed the share.
	refusing [numKinds]bool
	hits     []piiHit
}

func (d *detector) see(v string, row int64) {
	d.values++
	t := v
	if t != "" && (t[0] <= ' ' || t[len(t)-1] <= ' ') {
		t = strings.TrimSpace(t)
	}
	if t == "" || placeholder(t) {
		d.blank++
		return
	}
	if t[0] >= 0xE0 {
		if h, ok := wholeName(t); ok {
			d.note(kindName, true, row, t[:h.end], h.mask(t))
			return
		}
	}
	d.hits = findPII(d.hits[:0], t)
	var seen [numKinds]bool
	for _, h := range d.hits {
		if seen[h.kind] {
			continue
		}
		seen[h.kind] = true
		d.note(h.kind, alone(t, h), row, t, h.mask(t))
	}
}

// alone reports whether h is all there is to t but separators (+86 138…).
func alone(t string, h piiHit) bool {
	for _, part := range []string{t[:h.start], t[h.end:]} {
		for i := 0; i < len(part); i++ {
			if c := part[i]; c >= 0x80 || c|0x20 >= 'a' && c|0x20 <= 'z' {
				return false
			}
		}
	}
	return true
}

func (d *detector) note(k piiKind, whole bool, row int64, v, mask string) {
	f := &d.found[k]
	if f.n() == 0 {
		f.row, f.mask = row, mask
	}
	if !whole {
		f.text++
		return
	}
	f.whole++
	if k == kindName || k == kindOldID {
		if d.distinct[k] == nil {
			d.distinct[k] = map[string]bool{}
		}
		if len(d.distinct[k]) < namesDistinct {
			d.distinct[k][strings.Clone(v)] = true
		}
	}
}

// refused reports the kinds of personal data that make the column fail, on
// the values seen so far. A column of few values is judged at the end of the
// stream (final) only.
func (d *detector) refused(final bool) []piiKind {
	var out []piiKind
	n := d.values - d.blank
	for k := range numKinds {
		f := &d.found[k]
		switch k {
		case kindID, kindMobile, kindLandline:
			d.refusing[k] = d.refusing[k] || f.n() > 0
		case kindName, kindOldID:
			many := len(d.distinct[k]) >= namesDistinct || final && f.whole == n
			d.refusing[k] = d.refusing[k] || f.text > 0 || f.whole > 0 && f.whole*2 >= n && many
		}
		if d.refusing[k] {
			out = append(out, k)
		}
	}
	return out
}

// namesColumn reports whether the column is judged a column of names.
func (d *detector) namesColumn(final bool) bool {
	d.refused(final)
	return d.refusing[kindName] && d.found[kindName].whole > 0
}

// verdict returns an error when the column carries personal data. Values
// are never quoted in it, only masked.
func (d *detector) verdict(file, sheet string, rowRef func(int64) string) error {
	kinds := d.refused(true)
	if len(kinds) == 0 {
		return nil
	}
	if rowRef == nil {
		rowRef = func(n int64) string { return strconv.FormatInt(n, 10) }
	}
	var b strings.Builder
	b.WriteString(file)
	if sheet != "" {
		fmt.Fprintf(&b, ": sheet %q", sheet)
	}
	fmt.Fprintf(&b, ": column %q", d.col)
	if d.from != "" && d.from != d.col {
		fmt.Fprintf(&b, " (source column %q)", d.from)
	}
	b.WriteString(" carries ")
	inText := false
	for i, k := range kinds {
		f := &d.found[k]
		if i > 0 {
			b.WriteString(" and ")
		}
		b.WriteString(k.String())
		if f.text > f.whole {
			b.WriteString(" inside its text")
			inText = true
		}
		fmt.Fprintf(&b, " in %d of %d values (", f.n(), d.values)
		if k == kindName && f.text <= f.whole && d.blank > 0 {
			fmt.Fprintf(&b, "%d others empty or placeholders; ", d.blank)
		}
		fmt.Fprintf(&b, "first in row %s: %s)", rowRef(f.row), f.mask)
	}
	if inText {
		b.WriteString(": drop it (pii.drop) or remove them from the source; nothing was loaded")
	} else {
		b.WriteString(": hash it (pii.hash) or drop it (pii.drop); nothing was loaded")
	}
	return &PIIError{Column: d.col, Message: b.String()}
}

// PIIError fails a run whose data carries personal data the pipeline does
// not hash or drop.
type PIIError struct {
	Column  string
	Message string
}

func (e *PIIError) Error() string { return "pii: " + e.Message }

// NamesColumn reports whether values, those of one column, are a column of
// personal names by the guard's rule.
func NamesColumn(values []string) bool {
	d := &detector{}
	for _, v := range values {
		if v != "" {
			d.see(v, 0)
		}
	}
	return d.namesColumn(true)
}

// piiState is the guard's progress through a run.
type piiState struct {
	refused bool
	// masked is how many quarantined rows have had their reasons masked
	// and their names columns masked; names are the names columns (by
	// source column) masked so far.
	masked int
	names  map[string]bool
}

// piiBatch is called once the values of a batch's rows to be loaded were
// seen: it masks the rows quarantined so far and reports whether a column
// carries personal data, after which nothing more may be passed to the load.
func (v *validator) piiBatch() bool {
	v.maskQuarantined(false)
	if !v.pii.refused {
		for _, i := range v.detectIdx {
			if len(v.detect[i].refused(false)) > 0 {
				v.pii.refused = true
				break
			}
		}
	}
	return v.pii.refused
}

// piiVerdict is the guard's decision at the end of the stream: an error for
// every column with personal data, nil if there is none.
func (v *validator) piiVerdict() error {
	v.maskQuarantined(true)
	var errs []error
	for _, i := range v.detectIdx {
		if err := v.detect[i].verdict(v.file, v.sheet, v.rowRef); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// maskQuarantined masks the reasons of the rows quarantined since the last
// call, and the values of columns of names in every quarantined row.
func (v *validator) maskQuarantined(final bool) {
	q := *v.q
	for _, i := range v.detectIdx {
		d := v.detect[i]
		key := d.from
		if key == "" || v.pii.names[key] || !d.namesColumn(final) {
			continue
		}
		if v.pii.names == nil {
			v.pii.names = map[string]bool{}
		}
		v.pii.names[key] = true
		for r := range q[:v.pii.masked] {
			maskNames(&q[r], key)
		}
	}
	for r := v.pii.masked; r < len(q); r++ {
		for k, reason := range q[r].Reasons {
			q[r].Reasons[k] = redact(reason)
		}
		for key := range v.pii.names {
			maskNames(&q[r], key)
		}
	}
	v.pii.masked = len(q)
}

// maskNames masks the value of column key in row, if it looks like a name,
// there and where a reason quotes it.
func maskNames(row *QRow, key string) {
	for k, f := range row.Raw {
		m := MaskName(f.Value)
		if f.Column != key || m == f.Value {
			continue
		}
		for j, reason := range row.Reasons {
			row.Reasons[j] = strings.ReplaceAll(reason, fmt.Sprintf("%q", f.Value), fmt.Sprintf("%q", m))
		}
		row.Raw[k].Value = m
	}
}
