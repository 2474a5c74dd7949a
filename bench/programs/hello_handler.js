// The hello handler of the serve benchmark (bench/serve.py): the same program
// for jsw and ComponentizeJS.
export default {
  async fetch(request) {
    return new Response("hello\n", { headers: { "content-type": "text/plain" } });
  },
};
