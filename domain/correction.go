package domain

// A person's own data: what they correct themselves (their name, their organisation's details)
// and what they ask the programme to correct (the rest). A request is answered once, by a
// member of the programme other than the person who asked.

// CorrectionStatus is where a request to correct a person's data stands.
type CorrectionStatus string

// The states of a correction request.
const (
	CorrectionOpen      CorrectionStatus = "open"
	CorrectionCorrected CorrectionStatus = "corrected"
	CorrectionDeclined  CorrectionStatus = "declined"
)

// Values lists the states, for the store's enum.
func (CorrectionStatus) Values() []string {
	return []string{string(CorrectionOpen), string(CorrectionCorrected), string(CorrectionDeclined)}
}

// The texts of a correction request and its answer.
var (
	CorrectionWhat   = Text{Field: "what", Label: "what is wrong and what it should say", Max: 2000, MultiLine: true}
	CorrectionAnswer = Text{Field: "answer", Label: "what you corrected, or why nothing was", Max: 2000, MultiLine: true}
)

// CheckCorrectionAnswer is the rule for answering a request: once, while it is open, by someone
// other than the person who asked (nobody answers their own).
func CheckCorrectionAnswer(status CorrectionStatus, askedBy, answerer int) error {
	if status != CorrectionOpen {
		return &TransitionError{Record: "correction request", Action: "answer", From: string(status), Reason: "it has been answered", Kind: ErrInvalidTransition}
	}
	if askedBy == answerer {
		return &TransitionError{Record: "correction request", Action: "answer", From: string(status),
			Reason: "you asked for it yourself: another member of the programme team answers it", Kind: ErrInvalidTransition}
	}
	return nil
}
