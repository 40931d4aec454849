import Link from "next/link";

export default function NotFound() {
  return (
    <main className="signin">
      <div className="panel">
        <h1>Not found</h1>
        <p>There is nothing here, or it belongs to a tenant you cannot see.</p>
        <Link href="/">Back to your start page</Link>
      </div>
    </main>
  );
}
