package bulletin

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
)

// The charts of the Word document are drawn here in pure Go: lines, bars
// and gridlines, no text (no font is at hand to draw one). Their titles,
// axes and values are Word text: the caption under each image and the
// figures table.

var (
	grid    = color.RGBA{217, 222, 229, 255}
	axis    = color.RGBA{95, 107, 122, 255}
	blue    = color.RGBA{84, 112, 198, 255}
	red     = color.RGBA{178, 34, 34, 255}
	barBlue = color.RGBA{107, 174, 214, 255}
)

// canvas is an image with a plot area.
type canvas struct {
	img                    *image.RGBA
	left, top, right, bott int
	lo, hi                 float64 // the value axis
}

func newCanvas(w, h int, lo, hi float64) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return &canvas{img: img, left: 64, top: 20, right: w - 24, bott: h - 30, lo: lo, hi: hi}
}

// niceRange widens [lo, hi] to round steps, five gridlines apart.
func niceRange(lo, hi float64) (float64, float64, float64) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// trendAxis is the value axis of a trend of values of an indicator in unit
// published with precision decimals: wide enough that a change in the last
// decimals does not fill the plot as a collapse would — at least ten units
// of the last decimal, and for a rate (%, pp) at least 5% of its size —
// from 0 for a count or a level; a share (%) kept within 0..100 where its
// values are. Round ticks: see niceRange.
func trendAxis(values []float64, precision int, unit string) (lo, hi, step float64) {
	vlo, vhi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		vlo, vhi = math.Min(vlo, v), math.Max(vhi, v)
	}
	lo, hi = vlo, vhi
	span := 10 * math.Pow(10, -float64(precision))
	if Points(unit) {
		span = math.Max(span, 0.05*math.Max(math.Abs(lo), math.Abs(hi)))
	} else {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if hi-lo < span {
		mid := (lo + hi) / 2
		lo, hi = mid-span/2, mid+span/2
		if unit == "%" && hi > 100 && vhi <= 100 {
			lo, hi = lo-(hi-100), 100
		}
		if lo < 0 && vlo >= 0 {
			lo, hi = 0, hi-lo
		}
	}
	return niceRange(lo, hi)
}

// ticks are the values of the gridlines from lo to hi, step apart.
func ticks(lo, hi, step float64) []float64 {
	var out []float64
	for i := 0; lo+float64(i)*step <= hi+step/2; i++ {
		out = append(out, Round(lo+float64(i)*step, 9))
	}
	return out
}

func (c *canvas) y(v float64) int {
	return c.bott - int(math.Round((v-c.lo)/(c.hi-c.lo)*float64(c.bott-c.top)))
}

func (c *canvas) rect(x0, y0, x1, y1 int, col color.RGBA) {
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if image.Pt(x, y).In(c.img.Rect) {
				c.img.SetRGBA(x, y, col)
			}
		}
	}
}

// line draws a line width w wide; dash > 0 draws dash pixels on, dash off.
func (c *canvas) line(x0, y0, x1, y1, w, dash int, col color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		if dash > 0 && (i/dash)%2 == 1 {
			continue
		}
		x := x0 + (x1-x0)*i/n
		y := y0 + (y1-y0)*i/n
		c.rect(x-w/2, y-w/2, x+(w-1)/2, y+(w-1)/2, col)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (c *canvas) gridlines(lo, hi, step float64) {
	for _, v := range ticks(lo, hi, step) {
		y := c.y(v)
		c.line(c.left, y, c.right, y, 1, 0, grid)
		l := tick(v, step)
		c.text(c.left-8-labelWidth(l), y-5, l, axis)
	}
	c.line(c.left, c.top, c.left, c.bott, 2, 0, axis)
	c.line(c.left, c.bott, c.right, c.bott, 2, 0, axis)
}

func (c *canvas) png() ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, c.img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// TrendPNG draws a series of an indicator in unit, published with
// precision decimals, as a line over its years, with the target as a dashed
// red line where there is one (NaN: none), on an axis that trendAxis spans.
func TrendPNG(points []Point, target float64, precision int, unit string, w, h int) ([]byte, error) {
	var values []float64
	for _, p := range points {
		values = append(values, p.Value)
	}
	if !math.IsNaN(target) {
		values = append(values, target)
	}
	lo, hi, step := trendAxis(values, precision, unit)
	c := newCanvas(w, h, lo, hi)
	c.gridlines(lo, hi, step)
	first, last := points[0].Year, points[len(points)-1].Year
	span := max(last-first, 1)
	x := func(i int) int {
		if last == first {
			return c.left + (c.right-c.left)*(i+1)/(len(points)+1)
		}
		return c.left + 10 + (c.right-c.left-20)*(points[i].Year-first)/span
	}
	for i := range points {
		c.line(x(i), c.bott, x(i), c.bott+5, 1, 0, axis) // a tick a value
	}
	// The first and the last year under their ticks.
	for _, i := range []int{0, len(points) - 1} {
		l := strconv.Itoa(points[i].Year)
		c.text(min(max(x(i)-labelWidth(l)/2, 0), c.right-labelWidth(l)+8), c.bott+9, l, axis)
	}
	if !math.IsNaN(target) {
		c.line(c.left, c.y(target), c.right, c.y(target), 2, 8, red)
	}
	for i := 1; i < len(points); i++ {
		c.line(x(i-1), c.y(points[i-1].Value), x(i), c.y(points[i].Value), 3, 0, blue)
	}
	for i, p := range points {
		c.rect(x(i)-3, c.y(p.Value)-3, x(i)+3, c.y(p.Value)+3, blue)
	}
	return c.png()
}

// BarsPNG draws values as horizontal bars, one a row in the given order and
// numbered from 1, the one at mark (−1 for none) in red.
func BarsPNG(values []float64, mark int, w int) ([]byte, error) {
	row := 24
	h := 40 + row*len(values)
	lo, hi := 0.0, 0.0
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	lo, hi, step := niceRange(lo, hi)
	c := newCanvas(w, h, lo, hi)
	// The value axis runs across: x for a value.
	x := func(v float64) int {
		return c.left + int(math.Round((v-lo)/(hi-lo)*float64(c.right-c.left)))
	}
	for v := lo; v <= hi+step/2; v += step {
		c.line(x(v), c.top-10, x(v), c.bott, 1, 0, grid)
		l := tick(v, step)
		c.text(x(v)-labelWidth(l)/2, c.bott+8, l, axis)
	}
	for i, v := range values {
		col := barBlue
		if i == mark {
			col = red
		}
		y := c.top - 10 + i*row + 4
		c.rect(x(0), y, x(v), y+row-9, col)
		l := strconv.Itoa(i + 1) // its place, as the caption numbers the regions
		c.text(c.left-8-labelWidth(l), y+2, l, axis)
	}
	c.line(x(0), c.top-10, x(0), c.bott, 2, 0, axis)
	return c.png()
}
