# Every bad input exits with code 2 and one line "krelu: error: ..." (never a crash or trace).
include(${SUPPORT})
set(D ${DATA}/cli)

krelu_fails("cannot open data file 'missing.csv': no such file" ARGS train missing.csv --units 1)
krelu_fails("bad_row.csv:3:[0-9]+: " ARGS train ${D}/bad_row.csv --units 1)
krelu_fails("bad_row.csv:3:[0-9]+: " ARGS eval ${D}/net.txt ${D}/bad_row.csv)
krelu_fails("unknown sample file extension '.bench'" ARGS train ${D}/nand.bench --units 1)
krelu_fails("--signs: 'up' is not 'free', 'plus'" ARGS train ${D}/tiny.csv --units 1 --signs up)
krelu_fails("fixed signs have 2 entries but units = 1" ARGS train ${D}/tiny.csv --units 1 --signs +,-)
krelu_fails("--radius must be a finite number > 0, got -1" ARGS train ${D}/tiny.csv --units 1 --radius -1)
krelu_fails("--radius must be a finite number > 0" ARGS local ${D}/tiny.csv --units 1 --radius 0)
krelu_fails("--time-limit must be > 0" ARGS train ${D}/tiny.csv --units 1 --time-limit 0)
krelu_fails("units must be >= 1" ARGS train ${D}/tiny.csv --units 0)
krelu_fails("--units" ARGS train ${D}/tiny.csv)
krelu_fails("--method" ARGS train ${D}/tiny.csv --units 1 --method magic)
krelu_fails("--format" ARGS train ${D}/tiny.csv --units 1 --format xml)
krelu_fails("network has dimension 3 but the samples of '[^']*tiny.csv' have dimension 2" ARGS eval ${D}/net3.txt ${D}/tiny.csv)
krelu_fails("cannot open network file 'nope.txt'" ARGS eval nope.txt ${D}/tiny.csv)
krelu_fails("tiny.csv:1:1: " ARGS eval ${D}/tiny.csv ${D}/tiny.csv)

# reduce
krelu_fails("unknown problem 'vertex-cover': choose one of set-cover, circuit, densest-subgraph, coloring, gadget"
            ARGS reduce vertex-cover --random n=3 --output x.svm)
krelu_fails("nand.bench:4:5: gate type 'NAND' is not supported: only monotone AND/OR"
            ARGS reduce circuit --input ${D}/nand.bench --output x.svm)
krelu_fails("loop.col:3:3: self-loop at vertex 2" ARGS reduce densest-subgraph --input ${D}/loop.col --kappa 2 --ell 1 --output x.svm)
krelu_fails("cannot open OR-Library Set Cover file 'none.txt'" ARGS reduce set-cover --input none.txt --output x.svm)
krelu_fails("--random: 'size=3' is not a parameter of random_set_cover; give key=value items from density=0.25,subsets=8,universe=12"
            ARGS reduce set-cover --random size=3 --output x.svm)
krelu_fails("--random: universe=many is not a number" ARGS reduce set-cover --random universe=many --output x.svm)
krelu_fails("needs exactly one of --input FILE and --random" ARGS reduce set-cover --output x.svm)
krelu_fails("needs exactly one of --input FILE and --random"
            ARGS reduce set-cover --input ${DATA}/problems/scp_tiny.txt --random universe=3 --output x.svm)
krelu_fails("densest-subgraph needs --kappa K" ARGS reduce densest-subgraph --random vertices=8 --output x.svm)
krelu_fails("coloring needs --colors K" ARGS reduce coloring --random vertices=8 --output x.svm)
krelu_fails("--colors applies to coloring only" ARGS reduce set-cover --random universe=3 --colors 2 --output x.svm)
krelu_fails("gadget needs --units K" ARGS reduce gadget --output x.svm)
krelu_fails("random_set_cover: universe_size must be >= 1, got 0" ARGS reduce set-cover --random universe=0 --output x.svm)
krelu_fails("unknown sample file extension '.dat'" ARGS reduce set-cover --random universe=3 --output x.dat)

# decode and verify
krelu_run(R ARGS reduce set-cover --random universe=4,subsets=3 --output sc.svm --meta sc.json --witness w.txt)
krelu_fails("sc.json is a META file for 'set-cover', not 'circuit'" ARGS decode circuit sc.json w.txt)
krelu_fails("the network has dimension 2 but the reduction's samples have dimension 5" ARGS decode set-cover sc.json ${D}/net.txt)
file(WRITE ${WORK_DIR}/broken.json "{ \"loss\": ")
krelu_fails("broken.json: not valid JSON" ARGS verify ${D}/tiny.csv broken.json)
file(WRITE ${WORK_DIR}/nonet.json "{ \"loss\": 1 }")
krelu_fails("no \"network\" field" ARGS verify ${D}/tiny.csv nonet.json)
krelu_fails("broken.json: not valid JSON" ARGS decode set-cover broken.json w.txt)
