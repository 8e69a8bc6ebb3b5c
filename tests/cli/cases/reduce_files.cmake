# reduce from the hand-written files of tests/data/problems: META optima, witnesses decode to
# optimal solutions, and a circuit instance trained and decoded.
include(${SUPPORT})
set(P ${DATA}/problems)

# Set Cover, OR-Library: minimum cover 3; witness decodes to it.
krelu_run(S ARGS reduce set-cover --input ${P}/scp_tiny.txt --output sc.svm --meta sc.json --witness sc_w.txt)
file(READ ${WORK_DIR}/sc.json meta)
expect_json("${meta}" 3 optimum value)
expect_json("${meta}" "or-library" source format)
krelu_run(SD ARGS decode set-cover sc.json sc_w.txt --json)
expect_json("${SD_OUT}" ON optimal)
# Costs that are not all equal: a warning, and the unicost reduction goes on.
krelu_run(SC ARGS reduce set-cover --input ${P}/scp_costs.txt --output costs.svm)
expect_match("${SC_ERR}" "^krelu: warning: [^\n]*costs range from 1 to 3" "cost warning")

# Circuit, .bench: majority of 3 needs 2 TRUE inputs; train the instance and decode it.
krelu_run(C ARGS reduce circuit --input ${P}/majority.bench --output maj.svm --meta maj.json --witness maj_w.txt)
file(READ ${WORK_DIR}/maj.json meta)
expect_json("${meta}" 2 optimum value)
expect_json("${meta}" "z" instance wire_names 6)  # gates sorted topologically: ab ac bc z
expect_json("${meta}" 6 instance output)
json_get(predicted "${meta}" witness_predicted_loss)
krelu_run(CT ARGS train maj.svm --units 1 --signs + --json --output maj_net.txt)
expect_json("${CT_OUT}" "optimal" status)
krelu_run(CV ARGS verify maj.svm maj_net.txt --claim ${predicted})
expect_match("${CV_OUT}" "claim: +holds" "circuit optimum = OPT gamma^2 / |S|")
krelu_run(CD ARGS decode circuit maj.json maj_net.txt)
expect_match("${CD_OUT}" "valid: +yes, satisfies the circuit" "circuit decode")
expect_match("${CD_OUT}" "optimal: +yes" "circuit decode")
expect_match("${CD_OUT}" "TRUE inputs [abc] [abc], 2 of 3" "circuit decode names the wires")

# Densest subgraph, DIMACS: den_3 = 3.
krelu_run(G ARGS reduce densest-subgraph --input ${P}/ring.col --kappa 3 --ell 3 --output ring.svm --meta ring.json
          --witness ring_w.txt)
file(READ ${WORK_DIR}/ring.json meta)
expect_json("${meta}" 3 optimum value)
expect_json("${meta}" 1.0 radius)
krelu_run(GD ARGS decode densest-subgraph ring.json ring_w.txt --json)
expect_json("${GD_OUT}" ON valid)
expect_json("${GD_OUT}" ON optimal)

# Colouring, hMETIS: 2-colourable (0 monochromatic edges); the witness has loss 0 and decodes proper.
krelu_run(H ARGS reduce coloring --input ${P}/fano_like.hgr --colors 2 --output h.svm --meta h.json --witness h_w.txt)
file(READ ${WORK_DIR}/h.json meta)
expect_json("${meta}" 0 optimum value)
expect_json("${meta}" 2 units)
krelu_run(HV ARGS verify h.svm h_w.txt --claim 0)
expect_match("${HV_OUT}" "claim: +holds" "colouring witness loss 0")
krelu_run(HD ARGS decode coloring h.json h_w.txt --json)
expect_json("${HD_OUT}" ON valid)
expect_json("${HD_OUT}" ON optimal)
