export default { fetch() { return new Response('hello\n', { headers: { 'content-type': 'text/plain' } }); } };
