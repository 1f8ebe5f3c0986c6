package sources

// CellFaults is implemented by rows that know a cell cannot be read whatever
// the column's type: an XLSX formula without a saved value. Fault returns
// why cell i of the row Next last returned cannot be read, as a sentence that
// follows the quoted cell text, or nil. A row with a fault in a column the
// config reads is rejected with that reason.
type CellFaults interface {
	Fault(i int) error
}

// fault checks cell i of a row for a fault, as read into the column named
// column.
func (r *TableReader) fault(cells []string, i int, column string) *ParseError {
	if r.faults == nil {
		return nil
	}
	if err := r.faults.Fault(i); err != nil {
		return &ParseError{Column: column, Value: cells[i], Err: err}
	}
	return nil
}
