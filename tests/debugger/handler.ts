// A handler that fails for big orders; the debugger tests serve it and replay its failure.
interface Order { id: string; qty: number }

function total(order: Order): number {
  const price = 7;
  if (order.qty > 3) throw new Error(`too many: ${order.qty}`); // marker: throw
  return price * order.qty; // marker: price
}

export default {
  async fetch(request: Request): Promise<Response> {
    const order = (await request.json()) as Order;
    const stamp = Date.now();
    console.log("order", order.id, stamp);
    return new Response(`total ${total(order)}\n`);
  },
};
