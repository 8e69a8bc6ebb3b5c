# krelu verify: a train result's claim holds (exit 0); a tampered claim does not (exit 3).
include(${SUPPORT})

krelu_run(T ARGS train ${DATA}/cli/tiny.csv --units 1 --json)
file(WRITE ${WORK_DIR}/result.json "${T_OUT}")
krelu_run(OK ARGS verify ${DATA}/cli/tiny.csv result.json --json)
expect_one_json_object("${OK_OUT}")
expect_json("${OK_OUT}" ON holds)
expect_json("${OK_OUT}" ON lower_bound_checked)
expect_json("${OK_OUT}" ON lower_bound_holds)
krelu_run(OKH ARGS verify ${DATA}/cli/tiny.csv result.json)
expect_match("${OKH_OUT}" "claim: +holds" "human verify")
expect_match("${OKH_OUT}" "lower bound: +holds" "human verify of the bound")

# A lower bound raised above the loss: the loss claim holds, the bound does not.
string(JSON raised SET "${T_OUT}" lower_bound "1000")
file(WRITE ${WORK_DIR}/raised.json "${raised}")
krelu_run(RAISED EXIT 3 ARGS verify ${DATA}/cli/tiny.csv raised.json)
expect_match("${RAISED_OUT}" "lower bound: +DOES NOT HOLD" "raised bound")

# A loss claim changed by a leading digit: does not hold.
json_get(loss "${T_OUT}" loss)
string(JSON tampered SET "${T_OUT}" loss "1${loss}")
file(WRITE ${WORK_DIR}/tampered.json "${tampered}")
krelu_run(BAD EXIT 3 ARGS verify ${DATA}/cli/tiny.csv tampered.json)
expect_match("${BAD_OUT}" "claim: +DOES NOT HOLD" "tampered claim")
krelu_run(BAD2 EXIT 3 ARGS verify ${DATA}/cli/tiny.svm ${DATA}/cli/net.txt --claim 0.0011)
# A network without a claim: the loss is printed, nothing to refute.
krelu_run(NONE ARGS verify ${DATA}/cli/tiny.svm ${DATA}/cli/net.txt)
expect_match("${NONE_OUT}" "claim: +none" "no claim")
# Tampered weights: the recomputed loss differs from the claim.
string(JSON moved SET "${T_OUT}" network W 0 0 "0.123")
file(WRITE ${WORK_DIR}/moved.json "${moved}")
krelu_run(MOVED EXIT 3 ARGS verify ${DATA}/cli/tiny.csv moved.json)
