import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="signin">
      <div className="panel">
        <h1>403 — Not allowed</h1>
        <p>Your role does not give you access to this page.</p>
        <Link href="/">Back to your start page</Link>
      </div>
    </main>
  );
}
