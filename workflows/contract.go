package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/domain"
)

// ContractWorkflow runs one phase contract from award to the gate: it waits for the supplier's
// end-of-phase report, tells the challenge, and ends with the gate's outcome.
func ContractWorkflow(ctx workflow.Context, in ContractInput) (ContractResult, error) {
	w := &contractWorkflow{in: in}
	if err := w.setup(ctx); err != nil {
		return ContractResult{}, err
	}
	return w.run(ctx)
}

type contractWorkflow struct {
	in       ContractInput
	mu       workflow.Mutex
	reported bool
	outcome  domain.GateOutcome
}

func (w *contractWorkflow) setup(ctx workflow.Context) error {
	w.mu = workflow.NewMutex(ctx)
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateSubmitReport, w.submitReport,
		workflow.UpdateHandlerOptions{Validator: w.validateReport})
}

func (w *contractWorkflow) run(ctx workflow.Context) (ContractResult, error) {
	// While the contract runs, keep its dates (from versionContractTimers on).
	stopTimers := func() {}
	if workflow.GetVersion(ctx, versionContractTimers, workflow.DefaultVersion, 1) == 1 {
		var timersCtx workflow.Context
		timersCtx, stopTimers = workflow.WithCancel(ctx)
		workflow.Go(timersCtx, w.keepTime)
	}
	gate := workflow.GetSignalChannel(ctx, SignalGateDecided)
	var s GateDecidedSignal
	gate.Receive(ctx, &s)
	w.outcome = s.Outcome
	stopTimers()
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return ContractResult{}, err
	}
	return ContractResult{Outcome: w.outcome}, nil
}

// keepTime sends what the contract's dates call for, then sleeps on a durable timer until the
// next date, or until the outbox says the contract changed (accepted, or a deliverable accepted).
// It runs until the gate's decision cancels it.
func (w *contractWorkflow) keepTime(ctx workflow.Context) {
	wakeLoop(ctx, SignalContractChanged, "contract timers", func(ctx workflow.Context) (*time.Time, error) {
		var out activities.KeepContractTimeOutput
		err := workflow.ExecuteActivity(activityOptions(ctx), a.KeepContractTime,
			activities.KeepContractTimeInput{ContractID: w.in.ContractID, Now: workflow.Now(ctx)}).Get(ctx, &out)
		return out.Next, err
	})
}

func (w *contractWorkflow) validateReport(ctx workflow.Context, req SubmitReportRequest) error {
	if w.reported {
		_, err := domain.ContractReported.Report()
		return refused(err)
	}
	_, p := domain.ReportSummary.Clean(req.Summary)
	if p != nil {
		return refused(domain.Problems{*p})
	}
	return nil
}

func (w *contractWorkflow) submitReport(ctx workflow.Context, req SubmitReportRequest) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if w.reported {
		_, err := domain.ContractReported.Report()
		return refused(err)
	}
	err := workflow.ExecuteActivity(activityOptions(ctx), a.RecordReport, activities.RecordReportInput{
		ContractID: w.in.ContractID, Summary: req.Summary, Report: req.Report, Actor: req.Actor,
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	w.reported = true
	// Contracts once told the challenge of each report; the gate reads the report from the
	// contract's record instead, so contracts started since no longer send it.
	if workflow.GetVersion(ctx, versionNoReportSignal, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
		return nil
	}
	parent := ChallengeWorkflowID(w.in.ChallengeID)
	if p := workflow.GetInfo(ctx).ParentWorkflowExecution; p != nil {
		parent = p.ID
	}
	return workflow.SignalExternalWorkflow(ctx, parent, "", SignalReportReceived,
		ReportReceivedSignal{ContractID: w.in.ContractID}).Get(ctx, nil)
}
