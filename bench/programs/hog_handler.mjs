// The neighbour test of the serve benchmark (bench/serve.py): `GET /` is
// cheap, `GET /spin` computes until a limit stops it. One client sending
// /spin over and over must not stall everyone else's `GET /`.
export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/spin") {
      let x = 0;
      for (;;) x = (x * 31 + 7) % 1000003;
    }
    return new Response("ok\n");
  },
};
