package bulletin

import (
	"image/color"
	"math"
	"strconv"
)

// digits is a 3×5 bitmap of the characters an axis label needs, a row a
// string, for the charts' scale: no font is at hand, and the numbers a
// reader must read exactly are in the captions and the figures table.
var digits = map[rune][5]string{
	'0': {"###", "#.#", "#.#", "#.#", "###"},
	'1': {".#.", "##.", ".#.", ".#.", "###"},
	'2': {"###", "..#", "###", "#..", "###"},
	'3': {"###", "..#", "###", "..#", "###"},
	'4': {"#.#", "#.#", "###", "..#", "..#"},
	'5': {"###", "#..", "###", "..#", "###"},
	'6': {"###", "#..", "###", "#.#", "###"},
	'7': {"###", "..#", "..#", "..#", "..#"},
	'8': {"###", "#.#", "###", "#.#", "###"},
	'9': {"###", "#.#", "###", "..#", "###"},
	'.': {"...", "...", "...", "...", ".#."},
	'-': {"...", "...", "###", "...", "..."},
}

// labelScale is the size of a bitmap pixel on the canvas.
const labelScale = 2

// labelWidth is the width of s drawn by text.
func labelWidth(s string) int { return len(s) * 4 * labelScale }

// text draws s with its top left corner at x, y.
func (c *canvas) text(x, y int, s string, col color.RGBA) {
	for _, r := range s {
		g, ok := digits[r]
		if !ok {
			x += 4 * labelScale
			continue
		}
		for row, line := range g {
			for i, px := range line {
				if px == '#' {
					c.rect(x+i*labelScale, y+row*labelScale, x+i*labelScale+labelScale-1, y+row*labelScale+labelScale-1, col)
				}
			}
		}
		x += 4 * labelScale
	}
}

// tick formats a gridline's value with the decimals its step needs.
func tick(v, step float64) string {
	dec := 0
	for s := step; dec < 3 && math.Abs(s-math.Round(s)) > 1e-9; s *= 10 {
		dec++
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}
