package dev.plasma.mutation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.function.Supplier;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds {@link PlasmaMutator} methods on the application's beans once every singleton exists, and
 * registers them. A duplicate name or an unsupported signature stops the application with a message
 * naming the method.
 */
public class PlasmaMutatorMethodRegistrar implements SmartInitializingSingleton, BeanFactoryAware {

	private final Supplier<MutatorRegistry> registrySupplier;

	private final Supplier<JsonMapper> jsonMapperSupplier;

	private MutatorRegistry registry;

	private JsonMapper jsonMapper;

	private ConfigurableListableBeanFactory beanFactory;

	public PlasmaMutatorMethodRegistrar(MutatorRegistry registry, JsonMapper jsonMapper) {
		this(() -> registry, () -> jsonMapper);
	}

	/**
	 * Creates a registrar that resolves its collaborators when the singletons are ready.
	 * @param registry supplies the registry
	 * @param jsonMapper supplies the mapper that binds mutation args
	 */
	public PlasmaMutatorMethodRegistrar(Supplier<MutatorRegistry> registry, Supplier<JsonMapper> jsonMapper) {
		this.registrySupplier = registry;
		this.jsonMapperSupplier = jsonMapper;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.registry = this.registrySupplier.get();
		this.jsonMapper = this.jsonMapperSupplier.get();
		for (String beanName : this.beanFactory.getBeanNamesForType(Object.class, false, false)) {
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type == null || type.getName().startsWith("org.springframework.")) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			Map<Method, PlasmaMutator> methods = MethodIntrospector.selectMethods(userType,
					(MethodIntrospector.MetadataLookup<PlasmaMutator>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, PlasmaMutator.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = this.beanFactory.getBean(beanName);
			methods.forEach((method, annotation) -> register(bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
					method, annotation.value()));
		}
	}

	private void register(Object bean, Method invocable, Method declared, String name) {
		String description = declared.getDeclaringClass().getName() + "." + declared.getName();
		Class<?>[] parameters = declared.getParameterTypes();
		boolean withContext = parameters.length == 2 && parameters[1] == MutationContext.class;
		if (!(parameters.length == 1 || withContext) || parameters[0] == MutationContext.class) {
			throw new IllegalStateException("Plasma: mutator " + description + " has an unsupported signature; use "
					+ "(ArgsType args) or (ArgsType args, MutationContext context)");
		}
		Type argsType = declared.getGenericParameterTypes()[0];
		JavaType javaType = this.jsonMapper.constructType(argsType);
		ReflectionUtils.makeAccessible(invocable);
		this.registry.register(name, (args, context) -> {
			Object bound = bind(args, javaType, name);
			try {
				if (withContext) {
					invocable.invoke(bean, bound, context);
				}
				else {
					invocable.invoke(bean, bound);
				}
			}
			catch (InvocationTargetException ex) {
				Throwable cause = ex.getTargetException();
				if (cause instanceof Exception exception) {
					throw exception;
				}
				throw (Error) cause;
			}
		}, description);
	}

	private Object bind(JsonNode args, JavaType type, String name) {
		if (type.getRawClass() == JsonNode.class) {
			return args;
		}
		try {
			return this.jsonMapper.treeToValue(args, type);
		}
		catch (RuntimeException ex) {
			throw new MutatorArgumentException(
					"args of mutation '" + name + "' do not bind to " + type.toCanonical() + ": " + ex.getMessage(), ex);
		}
	}

}
