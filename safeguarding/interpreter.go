package safeguarding

// Interpreter is the interpreter booked for a meeting or an interview with a child who needs one.
// The agency policy asks for one professionally trained and DBS-checked, in the child's first
// language and dialect, and not from the same area of origin as the child.
type Interpreter struct {
	Language string `json:"language"`
	Dialect  string `json:"dialect,omitempty"`
	// DBSChecked and NotFromSameArea are the checks the person booking confirms.
	DBSChecked      bool `json:"dbs_checked"`
	NotFromSameArea bool `json:"not_from_same_area"`
}

func (in *Interpreter) validate(f fieldErrors) {
	if in == nil {
		return
	}
	f.required("interpreter.language", in.Language)
	f.text("interpreter.language", in.Language, maxShortText)
	f.text("interpreter.dialect", in.Dialect, maxShortText)
	if !in.DBSChecked {
		f.add("interpreter.dbs_checked", "the interpreter must be DBS-checked")
	}
	if !in.NotFromSameArea {
		f.add("interpreter.not_from_same_area", "the interpreter must not come from the same area of origin as the child")
	}
}

// checkInterpreter prompts for an interpreter when the child needs one and none is booked.
func (c *Case) checkInterpreter(in *Interpreter) error {
	if !c.failSafe() || !c.Child.InterpreterNeeded || in != nil {
		return nil
	}
	language := "the child's first language"
	if c.Child.FirstLanguage != "" {
		language = c.Child.FirstLanguage
		if c.Child.Dialect != "" {
			language += " (" + c.Child.Dialect + ")"
		}
	}
	return invalid("interpreter", "The child needs an interpreter: book one who is professionally trained and DBS-checked, speaks "+
		language+", and is not from the same area of origin as the child, and record them here.", "is required: the child needs an interpreter")
}
