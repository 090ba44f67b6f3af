package dev.plasma.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

/**
 * Wraps a data source and records the SQL of every statement prepared or executed through it.
 */
public final class StatementRecorder {

	private final List<String> statements = new CopyOnWriteArrayList<>();

	private final DataSource dataSource;

	public StatementRecorder(DataSource target) {
		this.dataSource = proxy(DataSource.class, target, (result) -> (result instanceof Connection connection)
				? proxy(Connection.class, connection, this::statement, false) : result, false);
	}

	/**
	 * Returns the recording data source.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Returns the SQL recorded so far and forgets it.
	 * @return the statements, in order
	 */
	public List<String> drain() {
		List<String> recorded = List.copyOf(this.statements);
		this.statements.clear();
		return recorded;
	}

	private Object statement(Object result) {
		return (result instanceof Statement statement && !(result instanceof java.sql.PreparedStatement))
				? proxy(Statement.class, statement, (r) -> r, true) : result;
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(Class<T> type, T target, java.util.function.UnaryOperator<Object> wrapResult,
			boolean recordExecutes) {
		return (T) Proxy.newProxyInstance(StatementRecorder.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> {
					record(method, args, recordExecutes);
					return wrapResult.apply(invoke(method, target, args));
				});
	}

	private void record(Method method, Object[] args, boolean recordExecutes) {
		boolean sql = method.getName().startsWith("prepare")
				|| (recordExecutes && (method.getName().startsWith("execute") || method.getName().equals("addBatch")));
		if (sql && args != null && args.length > 0 && args[0] instanceof String text) {
			this.statements.add(text);
		}
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
